/**
 * Task managers: render a {@link ai.geniusrise.core.pipeline.Pipeline} into Kubernetes or ECS
 * deployment files, apply them, report their status and delete them. Start at
 * {@link ai.geniusrise.deploy.TaskManager}.
 */
package ai.geniusrise.deploy;
