// The task ran with the project's own main: its one committed part holds the sample, upper-cased,
// and it logged.
import java.util.zip.GZIPInputStream

def out = new File(basedir, 'demo/data/out')
assert out.isDirectory() : "no output folder ${out}: the task did not run"
def parts = out.listFiles().findAll { it.name.endsWith('.txt.gz') }
assert parts.size() == 1 : "expected one part in ${out}, found ${out.list()}"
def text = new GZIPInputStream(new FileInputStream(parts[0])).getText('UTF-8')
assert text == 'HELLO\nGENIUSRISE\n'
assert new File(basedir, 'demo/.gitignore').isFile()

// its log lines went through the project's logback.xml (the command's): "[LEVEL] message", one line per event
def log = new File(basedir, 'build.log').getText('UTF-8')
assert log.contains("[INFO] task 'uppercase': 1 object(s) to read from ") : 'no [INFO] log line of the task in build.log'
