package ai.geniusrise.core;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * How a runtime or a test harness drives a task: instantiates it from a class name with clear
 * errors, opens it, hands it records, flushes and closes it. User code has no need of it.
 */
public final class TaskHandle {

    private final Task task;

    private TaskHandle(Task task) {
        this.task = task;
    }

    /** A handle on an existing task instance. */
    public static TaskHandle of(Task task) {
        if (task == null) {
            throw new NullPointerException("task");
        }
        return new TaskHandle(task);
    }

    /**
     * Loads {@code className} with {@code loader} and creates an instance through its public
     * no-argument constructor.
     *
     * @param configPath the config field naming the class, for error messages (e.g. {@code tasks[0].class})
     * @throws ConfigException if the class does not exist, is not a Spout or Bolt, is abstract, or
     *                         has no public no-argument constructor
     */
    public static TaskHandle instantiate(String className, ClassLoader loader, String configPath) {
        Class<?> cls;
        try {
            cls = Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ConfigException(configPath, "class " + className + " was not found on the classpath; check the "
                    + "name, or add the jar that holds it (geniusrise run --classpath ...)");
        }
        if (!Task.class.isAssignableFrom(cls)) {
            throw new ConfigException(configPath, "class " + className + " is not a task: it must extend "
                    + Spout.class.getName() + " or " + Bolt.class.getName());
        }
        if (Modifier.isAbstract(cls.getModifiers())) {
            throw new ConfigException(configPath, "class " + className + " is abstract; name a concrete subclass");
        }
        Constructor<?> ctor;
        try {
            ctor = cls.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new ConfigException(configPath, "class " + className + " has no public no-argument constructor; "
                    + "add one (configuration reaches the task through open(TaskContext))");
        }
        try {
            return new TaskHandle((Task) ctor.newInstance());
        } catch (InvocationTargetException e) {
            throw new ConfigException(configPath, "the constructor of " + className + " threw "
                    + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new ConfigException(configPath, "cannot instantiate " + className + ": " + e, e);
        }
    }

    /** The task. */
    public Task task() {
        return task;
    }

    /** True for a {@link Spout}, false for a {@link Bolt}. */
    public boolean isSpout() {
        return task instanceof Spout;
    }

    /** Gives the task its context and calls {@link Task#open(TaskContext)}. */
    public void open(TaskContext context) throws Exception {
        task.attach(context);
        task.open(context);
    }

    /** Calls {@link Bolt#process(Record, Emitter)}. */
    public void process(Record in, Emitter out) throws Exception {
        ((Bolt) task).process(in, out);
    }

    /**
     * Starts processing {@code in}: an {@link AsyncBolt}'s {@code processAsync}, or for any other
     * bolt {@link Bolt#process} on the calling thread (the stage is then already complete).
     */
    public CompletionStage<Void> processAsync(Record in, Emitter out) throws Exception {
        if (task instanceof AsyncBolt a) {
            CompletionStage<Void> stage = a.processAsync(in, out);
            if (stage == null) {
                throw new NullPointerException(task.getClass().getName() + ".processAsync returned null: return a "
                        + "CompletionStage (CompletableFuture.completedFuture(null) when there is nothing to wait for)");
            }
            return stage;
        }
        ((Bolt) task).process(in, out);
        return CompletableFuture.completedFuture(null);
    }

    /** Calls {@link Bolt#flush(Emitter)}; does nothing for a spout. */
    public void flush(Emitter out) throws Exception {
        if (task instanceof Bolt b) {
            b.flush(out);
        }
    }

    /** Calls {@link Spout#produce(Emitter)}. */
    public void produce(Emitter out) throws Exception {
        ((Spout) task).produce(out);
    }

    /** Calls {@link Task#close()}. */
    public void close() throws Exception {
        task.close();
    }

    @Override
    public String toString() {
        return "TaskHandle[" + task.getClass().getName() + "]";
    }
}
