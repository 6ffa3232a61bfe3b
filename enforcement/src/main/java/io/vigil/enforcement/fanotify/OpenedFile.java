package io.vigil.enforcement.fanotify;

/**
 * A FAN_OPEN notification: who opened what. Read after the open, so the opener may have exited.
 *
 * @param pid  the opener's thread-group id
 * @param path the file as the kernel resolved it (symlinks followed); " (deleted)" when unlinked since
 * @param dev  st_dev of the file (stat's encoding)
 * @param ino  st_ino of the file
 */
public record OpenedFile(int pid, String path, long dev, long ino) {}
