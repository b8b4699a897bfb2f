package io.nasspark.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForklessLocalFileSystemTest {

    @TempDir
    java.nio.file.Path dir;

    @Test
    void filesGetTheirPermissionsAndChecksumsAsWithHadoopsOwn() throws Exception {
        Configuration conf = new Configuration(false);
        conf.set("fs.file.impl", ForklessLocalFileSystem.class.getName());
        conf.setBoolean("fs.file.impl.disable.cache", true);
        conf.set("fs.permissions.umask-mode", "022");
        FileSystem fs = FileSystem.get(dir.toUri(), conf);
        assertInstanceOf(ForklessLocalFileSystem.class, fs);

        Path file = new Path(dir.resolve("a/b/data.bin").toUri());
        try (FSDataOutputStream out = fs.create(file)) {
            out.write("twelve bytes".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b/data.bin"))));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b"))));
        assertEquals(true, Files.exists(dir.resolve("a/b/.data.bin.crc")), "checksummed like LocalFileSystem");
        assertEquals(12, fs.getFileStatus(file).getLen());

        fs.setPermission(file, new FsPermission((short) 0640));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b/data.bin"))));
        assertEquals((short) 0640, fs.getFileStatus(file).getPermission().toShort());
        fs.close();
    }
}
