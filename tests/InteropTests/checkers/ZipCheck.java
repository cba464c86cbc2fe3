// Reads a zip with java.util.zip and prints one line an entry: name, size, CRC-32 of the bytes read, mtime (epoch seconds).
// Usage: java ZipCheck.java ARCHIVE file|stream|comments
// "comments" prints the archive comment, then one line an entry: name, tab, comment (ZipFile.getComment, ZipEntry.getComment).
// "file" uses ZipFile (central directory; times from the extended timestamp or NTFS extra),
// "stream" uses ZipInputStream (local headers only, as a forward-only consumer would).
import java.io.*;
import java.nio.file.*;
import java.util.zip.*;

public class ZipCheck {
    public static void main(String[] args) throws Exception {
        if (args[1].equals("comments")) {
            try (ZipFile zip = new ZipFile(args[0])) {
                System.out.println(zip.getComment());
                var entries = zip.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry e = entries.nextElement();
                    System.out.printf("%s\t%s%n", e.getName(), e.getComment());
                }
            }
        } else if (args[1].equals("file")) {
            try (ZipFile zip = new ZipFile(args[0])) {
                var entries = zip.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry e = entries.nextElement();
                    try (InputStream in = zip.getInputStream(e)) {
                        print(e, in);
                    }
                }
            }
        } else {
            try (ZipInputStream zin = new ZipInputStream(new BufferedInputStream(Files.newInputStream(Path.of(args[0]))))) {
                ZipEntry e;
                while ((e = zin.getNextEntry()) != null) {
                    print(e, zin);
                }
            }
        }
    }

    private static void print(ZipEntry e, InputStream in) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buffer = new byte[65536];
        long size = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            crc.update(buffer, 0, n);
            size += n;
        }
        System.out.printf("%s\t%d\t%08x\t%d%n", e.getName(), size, crc.getValue(), e.getLastModifiedTime().toMillis() / 1000);
    }
}
