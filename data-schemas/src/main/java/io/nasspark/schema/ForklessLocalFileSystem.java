package io.nasspark.schema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system (with its checksums) that sets a file's permissions through
 * java.nio instead of running {@code chmod}. Without Hadoop's native library, which Spark does
 * not ship, Hadoop starts a {@code chmod} process for every file it creates: a data file and its
 * checksum, a manifest, a manifest list and a metadata file for each Iceberg commit, each a fork
 * of the JVM. Registered for {@code file:} paths by {@link #HADOOP_CONF}.
 */
public final class ForklessLocalFileSystem extends LocalFileSystem {

    /** The Hadoop setting (as a Spark one) that makes {@code file:} paths use this class. */
    public static final String HADOOP_CONF = "spark.hadoop.fs.file.impl";

    public ForklessLocalFileSystem() {
        super(new Raw());
    }

    /** The raw (unchecksummed) file system underneath. */
    static final class Raw extends RawLocalFileSystem {
        @Override
        public void setPermission(Path p, FsPermission permission) throws IOException {
            Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(permission.toShort()));
        }
    }

    /** The rwx bits of a mode as java.nio permissions (sticky and set-id bits have no such form). */
    static Set<PosixFilePermission> posix(int mode) {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                out.add(bits[i]);
            }
        }
        return out;
    }
}
