package dev.gpusr.spark;

import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * A test file system {@code hdfslike:///PATH} over local files with HDFS's rename rule (a file is never renamed over
 * an existing file: rename returns false). The job treats it as a remote store: inputs are copied to the task's
 * scratch folder and outputs are published by rename, the code paths HDFS and S3A take.
 */
public class HdfsLikeFileSystem extends RawLocalFileSystem {
    public static final String SCHEME = "hdfslike";

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    /** HDFS's NameNode makes a rename one atomic namespace operation; here one lock over check and rename does. */
    private static final Object NAMESPACE = new Object();

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        synchronized (NAMESPACE) {
            return renameAtomically(src, dst);
        }
    }

    private boolean renameAtomically(Path src, Path dst) throws IOException {
        FileStatus existing;
        try {
            existing = getFileStatus(dst);
        } catch (java.io.FileNotFoundException e) {
            existing = null;
        }
        if (existing != null && existing.isFile()) return false;
        return super.rename(src, dst);
    }
}
