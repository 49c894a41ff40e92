package dev.drover.storage;

import io.delta.storage.HDFSLogStore;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Delta's log store for local folders ({@code file:}), with a listing that reads a log's names
 * and only then the status of the files asked for. Delta's own lists "from version v" by reading
 * the status of every file in the log folder and keeping the names from v on, and it lists often:
 * each snapshot update from the last checkpoint, and after each checkpoint its expired-log
 * clean-up from version 0, which stops at the first file not yet expired. A ledger table in a
 * 10,000-dataset wave holds tens of thousands of log files, so each of those listings read tens of
 * thousands of statuses to use a handful. Here one read of the folder's names is sorted and
 * filtered, and each status is read when the caller reaches it. Writes, reads and everything else
 * are Delta's {@link HDFSLogStore}'s. Registered by {@code spark.delta.logStore.file.impl} (see
 * {@link #settings()}).
 */
public final class LocalLogStore extends HDFSLogStore {
    public LocalLogStore(Configuration hadoopConf) {
        super(hadoopConf);
    }

    /** The Spark setting that makes Delta use this store for {@code file:} paths. */
    public static java.util.Map<String, String> settings() {
        return java.util.Map.of("spark.delta.logStore.file.impl", LocalLogStore.class.getName());
    }

    @Override
    public Iterator<FileStatus> listFrom(Path path, Configuration hadoopConf) throws IOException {
        FileSystem fs = path.getFileSystem(hadoopConf);
        if (!(fs instanceof LocalFileSystem local)) {
            return super.listFrom(path, hadoopConf);   // a file: path on some other file system: Delta's own way
        }
        Path dir = path.getParent();
        File folder = local.pathToFile(dir);
        String[] names = folder.list();
        if (names == null) {
            if (!folder.exists()) {
                throw new FileNotFoundException(String.format("No such file or directory: %s", dir));   // Delta's words
            }
            throw new IOException("cannot list " + dir);
        }
        String from = path.getName();
        String[] kept = Arrays.stream(names).filter(n -> n.compareTo(from) >= 0 && !checksumOfHadoop(n)).sorted().toArray(String[]::new);
        return new Iterator<>() {
            private int next;
            private FileStatus ahead;

            @Override
            public boolean hasNext() {
                while (ahead == null && next < kept.length) {
                    try {
                        ahead = fs.getFileStatus(new Path(dir, kept[next++]));
                    } catch (FileNotFoundException e) {
                        // removed since the names were read (an expired file cleaned up): as if listed a moment later
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                return ahead != null;
            }

            @Override
            public FileStatus next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                FileStatus out = ahead;
                ahead = null;
                return out;
            }
        };
    }

    /** Hadoop's own checksum files ({@code .NAME.crc}), which its checksummed file system leaves out of a listing. */
    private static boolean checksumOfHadoop(String name) {
        return name.startsWith(".") && name.endsWith(".crc");
    }
}
