/**
 * The commit markers shared by the batch storages of geniusrise-io (local files, S3): how a
 * run's parts are published and which parts readers see. Internal to geniusrise-io.
 */
package ai.geniusrise.io.commit;
