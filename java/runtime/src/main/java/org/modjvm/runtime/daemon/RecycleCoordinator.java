package org.modjvm.runtime.daemon;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.modjvm.runtime.log.Log;
import org.modjvm.runtime.log.Message;

/**
 * Lets the processes of a daemon group recycle one at a time (a rolling restart): a process
 * may start recycling only while it holds the group's lock file and the other
 * {@code processes - 1} processes of its generation are up and serving (each announces itself
 * with a {@code ready.*} file). The lock is held until the process exits. Lives in the group's
 * cache directory, which only the group's user can write; without one, processes recycle
 * without taking turns.
 */
final class RecycleCoordinator {
    private final Path directory;
    private final String generation;
    private final int processes;
    private final Log log;
    private final long pid = ProcessHandle.current().pid();
    private FileChannel lockChannel;
    private FileLock lock;
    /** The other processes found serving when this one got its turn (for the recycle's log line). */
    private volatile List<Long> serving = List.of();

    RecycleCoordinator(Path directory, String socket, String generation, int processes, Log log) {
        this.directory = directory;
        // the socket outlives a graceful restart: processes of the next generation take turns apart
        this.generation = Path.of(socket.isEmpty() ? "none" : socket).getFileName() + "-" + generation;
        this.processes = processes;
        this.log = log;
    }

    /** This process serves requests now. */
    void ready() {
        if (directory == null) {
            return;
        }
        try {
            Files.writeString(readyFile(pid), "");
        } catch (IOException e) {
            log.log(Message.JVM01306, "cannot announce this process in " + directory + ": " + e);
        }
    }

    /** This process stops serving (drain). */
    void notReady() {
        if (directory == null) {
            return;
        }
        try {
            Files.deleteIfExists(readyFile(pid));
        } catch (IOException ignored) {
            // a stale file is ignored once its process is gone
        }
    }

    /** @return true if this process may recycle now (and then holds the lock until it exits) */
    synchronized boolean tryBegin() {
        if (directory == null || processes <= 1 || lock != null) {
            return true; // (a second caller while this process holds the lock: it is its turn)
        }
        try {
            if (lockChannel == null) {
                lockChannel = FileChannel.open(directory.resolve("recycle.lock"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
            }
            lock = lockChannel.tryLock();
            if (lock == null) {
                return false;
            }
            List<Long> others = othersReady();
            if (others.size() >= processes - 1) {
                serving = others;
                return true;
            }
            lock.release();
            lock = null;
            return false;
        } catch (IOException | OverlappingFileLockException e) {
            return true; // no coordination possible: recycle anyway
        }
    }

    /**
     * The other processes of the group that were serving when this one got its turn to recycle
     * (empty without coordination). The log line of the recycle names them: the proof, not
     * subject to log timestamps, that a rolling restart never left the group empty.
     */
    List<Long> servingWhenTurnCame() {
        return serving;
    }

    private List<Long> othersReady() throws IOException {
        List<Long> ready = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "ready." + generation + ".*")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                long other;
                try {
                    other = Long.parseLong(name.substring(name.lastIndexOf('.') + 1));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (other == pid) {
                    continue;
                }
                if (ProcessHandle.of(other).map(ProcessHandle::isAlive).orElse(false)) {
                    ready.add(other);
                } else {
                    Files.deleteIfExists(file); // left by a process that died
                }
            }
        }
        return ready;
    }

    /** Whether processes of this group can find each other here (rolling reload needs it). */
    boolean shared() {
        return directory != null;
    }

    /**
     * This process is a successor (rolling reload, docs/internals.md "Successors") and serves now:
     * its predecessor, which watches for this file, drains and exits.
     */
    void successorReady(long predecessor) {
        if (directory == null) {
            return;
        }
        try {
            Files.writeString(successorFile(predecessor), Long.toString(pid));
        } catch (IOException e) {
            log.log(Message.JVM01306, "cannot announce this process in " + directory + ": " + e);
        }
    }

    /** The pid of this process's successor once it serves (its file names this process), else 0. */
    long readySuccessor() {
        if (directory == null) {
            return 0;
        }
        Path file = successorFile(pid);
        try {
            long successor = Long.parseLong(Files.readString(file).trim());
            if (ProcessHandle.of(successor).map(ProcessHandle::isAlive).orElse(false)) {
                return successor;
            }
            Files.deleteIfExists(file); // it died since: the parent starts another
        } catch (IOException | NumberFormatException e) {
            // none yet (or half written: looked at again at the next tick)
        }
        return 0;
    }

    /** This process exits: its successor's file has served. */
    void successorSeen() {
        successorFileDone(pid);
    }

    /** The file that told {@code predecessor} its successor is ready has served (it is gone). */
    void successorFileDone(long predecessor) {
        if (directory != null) {
            try {
                Files.deleteIfExists(successorFile(predecessor));
            } catch (IOException ignored) {
                // looked at only by a process of that pid that asked for a successor
            }
        }
    }

    private Path successorFile(long predecessor) {
        return directory.resolve("successor." + generation + "." + predecessor);
    }

    private Path readyFile(long processId) {
        return directory.resolve("ready." + generation + "." + processId);
    }
}
