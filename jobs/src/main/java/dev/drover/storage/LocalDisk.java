package dev.drover.storage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFs;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system without a process per file. Without Hadoop's native library (which
 * Spark does not ship), {@link RawLocalFileSystem} starts a {@code chmod} for every file it
 * creates, a {@code readlink} for every rename and an {@code ls -ld} for every status whose
 * permission is read (a located listing reads them all): a Delta commit on a local folder makes
 * four such processes (its commit file and its checksum file), 150–200 ms of a 200–250 ms ledger
 * commit here. These classes do the same three things with {@code java.nio}; everything else,
 * checksum files included, is Hadoop's. Registered for the {@code file} scheme by {@link #register}.
 */
public final class LocalDisk {
    private LocalDisk() {}

    /** The Hadoop settings that make {@code file:} paths use these classes (the FileSystem and the FileContext side). */
    public static java.util.Map<String, String> settings() {
        return java.util.Map.of("fs.file.impl", FileSystem.class.getName(), "fs.AbstractFileSystem.file.impl", Fs.class.getName());
    }

    /** Hadoop's checksummed local FileSystem over {@link Raw}. */
    public static final class FileSystem extends LocalFileSystem {
        public FileSystem() {
            super(new Raw());
        }
    }

    /** Hadoop's checksummed local FileContext file system over {@link Raw}. */
    public static final class Fs extends ChecksumFs {
        public Fs(URI uri, Configuration conf) throws IOException, URISyntaxException {
            super(new RawFs(uri, conf));
        }
    }

    /** The FileContext side of {@link Raw}, as Hadoop's own {@code RawLocalFs} is of its raw file system. */
    static final class RawFs extends DelegateToFileSystem {
        RawFs(URI uri, Configuration conf) throws IOException, URISyntaxException {
            super(uri, new Raw(), conf, "file", false);
        }

        @Override
        public int getUriDefaultPort() {
            return -1;
        }

        @Override
        public boolean isValidName(String src) {
            return true;   // as Hadoop's RawLocalFs: a local path may hold a colon
        }

        @Override
        public boolean supportsSymlinks() {
            return true;
        }

        @Override
        public FileStatus getFileLinkStatus(Path f) throws IOException {
            return fsImpl.getFileLinkStatus(f);
        }
    }

    /** {@link RawLocalFileSystem} with permissions set and links checked in this process. */
    public static final class Raw extends RawLocalFileSystem {
        @Override
        public void setPermission(Path p, FsPermission permission) throws IOException {
            java.nio.file.Path file = pathToFile(p).toPath();
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileNotFoundException("File " + p + " does not exist");
            }
            try {
                Files.setPosixFilePermissions(file, posix(permission));
            } catch (UnsupportedOperationException e) {
                super.setPermission(p, permission);   // not a POSIX file system: Hadoop's way
            }
        }

        @Override
        public FileStatus getFileLinkStatus(Path f) throws IOException {
            java.nio.file.Path file = pathToFile(f).toPath();
            if (Files.isSymbolicLink(file)) {
                return super.getFileLinkStatus(f);   // a real link: Hadoop resolves it
            }
            return getFileStatus(f);
        }

        /**
         * The file's status from one {@code lstat}: Hadoop's own reads it with five (exists,
         * length, kind, modification and access time) and an {@code ls -ld} for the permission. A
         * link, or a file system without the unix view, gets Hadoop's status with the owner filled in.
         */
        @Override
        public FileStatus getFileStatus(Path f) throws IOException {
            return status(f, getDefaultBlockSize(f));
        }

        private FileStatus status(Path f, long blockSize) throws IOException {
            java.io.File file = pathToFile(f);
            java.util.Map<String, Object> unix;
            try {
                unix = Files.readAttributes(file.toPath(), UNIX, LinkOption.NOFOLLOW_LINKS);
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                return owned(super.getFileStatus(f));
            } catch (java.nio.file.NoSuchFileException e) {
                throw new FileNotFoundException("File " + f + " does not exist");
            }
            if ((Boolean) unix.get("isSymbolicLink")) {
                return owned(super.getFileStatus(f));   // Hadoop describes what the link points to
            }
            String owner = USERS.get((Integer) unix.get("uid"));
            String group = GROUPS.get((Integer) unix.get("gid"));
            Path qualified = new Path(file.getPath()).makeQualified(getUri(), getWorkingDirectory());
            FileStatus status = new FileStatus((Long) unix.get("size"), (Boolean) unix.get("isDirectory"), 1,
                    blockSize, millis(unix.get("lastModifiedTime")), millis(unix.get("lastAccessTime")),
                    new FsPermission((short) ((Integer) unix.get("mode") & 0777)), owner, group, qualified);
            return owner == null || group == null ? owned(status) : status;
        }

        /**
         * The statuses of a folder's entries, one {@code lstat} each. Hadoop's own listing asks
         * for each entry's status the way {@link #getFileStatus} replaces, and a Delta log listing
         * reads every commit file's status: on a ledger table of a few thousand commits that was
         * the most of what its checkpoint clean-up cost.
         */
        @Override
        public FileStatus[] listStatus(Path f) throws IOException {
            java.io.File dir = pathToFile(f);
            if (!dir.isDirectory()) {
                return new FileStatus[] {getFileStatus(f)};   // a file lists as itself; a missing one throws
            }
            String[] names = org.apache.hadoop.fs.FileUtil.list(dir);
            long blockSize = getDefaultBlockSize(f);   // a setting: read once, not per entry
            java.util.List<FileStatus> out = new java.util.ArrayList<>(names.length);
            for (String name : names) {
                try {
                    out.add(status(new Path(f, new Path(null, null, name)), blockSize));
                } catch (FileNotFoundException e) {
                    // removed since the folder was read: Hadoop leaves it out too
                }
            }
            return out.toArray(new FileStatus[0]);
        }

        /** What one {@code lstat} gives a status. */
        private static final String UNIX = "unix:size,lastModifiedTime,lastAccessTime,isDirectory,isSymbolicLink,mode,uid,gid";

        private static long millis(Object time) {
            return ((java.nio.file.attribute.FileTime) time).toMillis();
        }

        /**
         * {@code status} with its permission, owner and group filled in from the file's POSIX
         * attributes; Hadoop's own status runs {@code ls -ld} the first time one is asked for. The
         * file's numeric owner and group are read with one {@code lstat}, and their names looked up
         * once per process: a name lookup per file (the user database asked twice for each entry
         * of a listing) made listing a Delta log of a few hundred commits take tens of milliseconds.
         */
        private FileStatus owned(FileStatus status) throws IOException {
            java.nio.file.Path file = pathToFile(status.getPath()).toPath();
            java.util.Map<String, Object> unix;
            try {
                unix = Files.readAttributes(file, "unix:mode,uid,gid");   // a link: its target's, as Hadoop gives them
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                return posixOwned(status, file);   // no unix view here: the POSIX one, names looked up each time
            } catch (java.nio.file.NoSuchFileException e) {
                return status;   // gone since it was listed: Hadoop's way
            }
            int uid = (Integer) unix.get("uid");
            int gid = (Integer) unix.get("gid");
            String owner = USERS.get(uid);
            String group = GROUPS.get(gid);
            if (owner == null || group == null) {
                FileStatus named = posixOwned(status, file);
                USERS.putIfAbsent(uid, named.getOwner());
                GROUPS.putIfAbsent(gid, named.getGroup());
                return named;
            }
            return withOwner(status, (short) ((Integer) unix.get("mode") & 0777), owner, group);
        }

        private FileStatus posixOwned(FileStatus status, java.nio.file.Path file) throws IOException {
            PosixFileAttributes attributes;
            try {
                attributes = Files.readAttributes(file, PosixFileAttributes.class);
            } catch (UnsupportedOperationException | java.nio.file.NoSuchFileException e) {
                return status;   // not a POSIX file system, or gone since it was listed: Hadoop's way
            }
            return withOwner(status, mode(attributes.permissions()), attributes.owner().getName(), attributes.group().getName());
        }

        private static FileStatus withOwner(FileStatus status, short mode, String owner, String group) throws IOException {
            return new FileStatus(status.getLen(), status.isDirectory(), status.getReplication(), status.getBlockSize(),
                    status.getModificationTime(), status.getAccessTime(), new FsPermission(mode), owner, group,
                    status.isSymlink() ? status.getSymlink() : null, status.getPath());
        }

        /** User and group names by number, as the user database gave them the first time (they do not change while a job runs). */
        private static final java.util.concurrent.ConcurrentMap<Integer, String> USERS = new java.util.concurrent.ConcurrentHashMap<>();
        private static final java.util.concurrent.ConcurrentMap<Integer, String> GROUPS = new java.util.concurrent.ConcurrentHashMap<>();

        static short mode(Set<PosixFilePermission> permissions) {
            int bits = 0;
            for (int i = 0; i < ORDER.length; i++) {
                if (permissions.contains(ORDER[i])) {
                    bits |= 1 << (8 - i);
                }
            }
            return (short) bits;
        }

        /** rwx for owner, group and others, from the highest bit of a mode to the lowest. */
        private static final PosixFilePermission[] ORDER = {
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE};

        static Set<PosixFilePermission> posix(FsPermission permission) {
            Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
            int bits = permission.toShort() & 0777;
            for (int i = 0; i < ORDER.length; i++) {
                if ((bits & (1 << (8 - i))) != 0) {
                    out.add(ORDER[i]);
                }
            }
            return out;
        }
    }
}
