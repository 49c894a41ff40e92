package dev.drover.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local file system Drover registers: Hadoop's behaviour, without a process per file. */
class LocalDiskTest {
    @TempDir
    java.nio.file.Path tmp;

    private static Configuration conf() {
        Configuration conf = new Configuration(false);
        LocalDisk.settings().forEach(conf::set);
        conf.setBoolean("fs.file.impl.disable.cache", true);
        return conf;
    }

    @Test
    void permissionsAreSetAsHadoopSetsThem() throws Exception {
        var fs = org.apache.hadoop.fs.FileSystem.get(tmp.toUri(), conf());
        assertTrue(fs instanceof LocalDisk.FileSystem, fs.getClass().getName());
        Path file = new Path(tmp.resolve("a.txt").toUri());
        try (var out = fs.create(file, new FsPermission((short) 0640), false, 4096, (short) 1, 1 << 20, null)) {
            out.writeUTF("x");
        }
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("a.txt"))));
        fs.setPermission(file, new FsPermission((short) 0751));
        assertEquals("rwxr-x--x", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("a.txt"))));
        assertThrows(FileNotFoundException.class, () -> fs.setPermission(new Path(tmp.resolve("none").toUri()), FsPermission.getDefault()));
        assertTrue(Files.exists(tmp.resolve(".a.txt.crc")), "Hadoop's checksum file is still written");
    }

    @Test
    void aRenameThroughFileContextRefusesToOverwriteAndFollowsNoLink() throws Exception {
        // Delta's log store commits by FileContext.rename without overwrite: the commit is exclusive
        FileContext fc = FileContext.getFileContext(tmp.toUri(), conf());
        Path first = new Path(tmp.resolve("tmp1").toUri());
        Path taken = new Path(tmp.resolve("00.json").toUri());
        for (Path p : new Path[] {first, taken}) {
            try (var out = fc.create(p, EnumSet.of(CreateFlag.CREATE))) {
                out.writeUTF(p.getName());
            }
        }
        assertThrows(org.apache.hadoop.fs.FileAlreadyExistsException.class, () -> fc.rename(first, taken, Options.Rename.NONE));
        Path free = new Path(tmp.resolve("01.json").toUri());
        fc.rename(first, free, Options.Rename.NONE);
        assertTrue(Files.exists(tmp.resolve("01.json")));
        assertFalse(Files.exists(tmp.resolve("tmp1")));

        java.nio.file.Path link = tmp.resolve("link");
        Files.createSymbolicLink(link, tmp.resolve("01.json"));
        Configuration plain = new Configuration(true);
        plain.setBoolean("fs.file.impl.disable.cache", true);
        FileContext hadoops = FileContext.getFileContext(tmp.toUri(), plain);
        for (Path p : new Path[] {new Path(link.toUri()), free}) {
            FileStatus ours = fc.getFileLinkStatus(p);
            FileStatus theirs = hadoops.getFileLinkStatus(p);
            assertEquals(theirs.isSymlink(), ours.isSymlink(), "a link's status as Hadoop's own gives it: " + p);
            assertEquals(theirs.getLen(), ours.getLen(), p.toString());
            assertEquals(theirs.isFile(), ours.isFile(), p.toString());
        }
    }

    /**
     * A listing's statuses carry their permission, owner and group as Hadoop's own would give them,
     * read already (Hadoop's local status runs {@code ls -ld} when first asked for one).
     */
    @Test
    void aListingsStatusesCarryPermissionsAsHadoopsDo() throws Exception {
        Files.createDirectories(tmp.resolve("t/dt=1"));
        Files.writeString(tmp.resolve("t/dt=1/part-0.parquet"), "x");
        Files.setPosixFilePermissions(tmp.resolve("t/dt=1/part-0.parquet"), PosixFilePermissions.fromString("rw-r-x---"));
        var fs = org.apache.hadoop.fs.FileSystem.get(tmp.toUri(), conf());
        Configuration plain = new Configuration(true);
        plain.setBoolean("fs.file.impl.disable.cache", true);
        var hadoops = org.apache.hadoop.fs.FileSystem.get(tmp.toUri(), plain);
        java.util.Map<String, String> ours = new java.util.TreeMap<>();
        java.util.Map<String, String> theirs = new java.util.TreeMap<>();
        for (var listing : java.util.List.of(java.util.Map.entry(fs, ours), java.util.Map.entry(hadoops, theirs))) {
            var files = listing.getKey().listFiles(new Path(tmp.resolve("t").toUri()), true);
            while (files.hasNext()) {
                var f = files.next();
                listing.getValue().put(f.getPath().toString(), f.getPermission() + " " + f.getOwner() + " " + f.getGroup() + " " + f.getLen());
            }
            FileStatus dir = listing.getKey().getFileStatus(new Path(tmp.resolve("t/dt=1").toUri()));
            listing.getValue().put("dir", dir.getPermission() + " " + dir.getOwner() + " " + dir.isDirectory());
        }
        assertEquals(theirs, ours);
        assertTrue(ours.values().stream().anyMatch(v -> v.startsWith("rw-r-x---")), ours.toString());
        for (FileStatus status : fs.listStatus(new Path(tmp.resolve("t/dt=1").toUri()))) {
            assertEquals(FileStatus.class, status.getClass(), "a status whose permission is read already: " + status.getPath());
        }
    }

    /**
     * Statuses made from one {@code lstat} each equal Hadoop's own in every field Delta and Spark
     * read: a folder's entries (files, a folder, a link), a file listed as itself, and a missing
     * path refused the same way.
     */
    @Test
    void aStatusFromOneLstatEqualsHadoopsOwn() throws Exception {
        Files.createDirectories(tmp.resolve("log/_commits"));
        for (int v = 0; v < 3; v++) {
            Files.writeString(tmp.resolve(String.format("log/%020d.json", v)), "{}".repeat(v + 1));
        }
        Files.setPosixFilePermissions(tmp.resolve("log/00000000000000000001.json"), PosixFilePermissions.fromString("rw-------"));
        Files.createSymbolicLink(tmp.resolve("log/latest"), tmp.resolve("log/00000000000000000002.json"));
        var fs = org.apache.hadoop.fs.FileSystem.get(tmp.toUri(), conf());
        Configuration plain = new Configuration(true);
        plain.setBoolean("fs.file.impl.disable.cache", true);
        var hadoops = org.apache.hadoop.fs.FileSystem.get(tmp.toUri(), plain);
        Path log = new Path(tmp.resolve("log").toUri());
        assertEquals(described(hadoops.listStatus(log)), described(fs.listStatus(log)));
        assertEquals(5, fs.listStatus(log).length);
        Path one = new Path(log, "00000000000000000001.json");
        assertEquals(described(hadoops.listStatus(one)), described(fs.listStatus(one)));
        assertTrue(described(fs.listStatus(one)).get(0).contains("rw------- "), described(fs.listStatus(one)).toString());
        Path none = new Path(log, "00000000000000000009.json");
        var theirs = assertThrows(FileNotFoundException.class, () -> hadoops.getFileStatus(none));
        var ours = assertThrows(FileNotFoundException.class, () -> fs.getFileStatus(none));
        assertEquals(theirs.getMessage(), ours.getMessage());
        assertThrows(FileNotFoundException.class, () -> fs.listStatus(none));
    }

    private static java.util.List<String> described(FileStatus[] statuses) throws java.io.IOException {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (FileStatus s : statuses) {
            out.add(s.getPath() + " " + s.getLen() + " " + s.isDirectory() + " " + s.getModificationTime() + " "
                    + s.getAccessTime() + " " + s.getBlockSize() + " " + s.getReplication() + " " + s.getPermission() + " "
                    + s.getOwner() + " " + s.getGroup() + " " + s.isSymlink());
        }
        java.util.Collections.sort(out);
        return out;
    }
}
