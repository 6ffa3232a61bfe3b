package io.vigil.enforcement.fanotify;

/**
 * One open or exec waiting for an answer.
 *
 * @param pid  the opener's process id (thread-group id, as seen from the agent's pid namespace; 0
 *             when the opener is in a pid namespace the agent cannot see)
 * @param path the file as readlink(/proc/self/fd/N) names it: the path the kernel resolved, not
 *             the one the caller typed (a symlink is already followed; " (deleted)" when unlinked)
 * @param dev  st_dev of the file (stat's encoding)
 * @param ino  st_ino of the file
 * @param exec true for FAN_OPEN_EXEC_PERM (the file is being opened by execve or uselib)
 */
public record PermissionRequest(int pid, String path, long dev, long ino, boolean exec) {}
