package dev.gpusr.cuda;

import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.JCudaDriver;
import jcuda.runtime.JCuda;

/**
 * A recorded sequence of stream work (kernels, cuDNN calls) replayed with one launch, which removes the per-call
 * host and launch overhead that dominates small training steps. The graph holds the device addresses it was captured
 * with: the owner must drop it when a buffer moves.
 */
final class CudaGraph implements AutoCloseable {
    private CUgraphExec exec;

    private CudaGraph(CUgraphExec exec) {
        this.exec = exec;
    }

    /**
     * Records {@code work} as issued on {@code stream} (nothing runs yet). Any failure ends the capture, leaves the
     * stream usable and is thrown as a CudaException that says what failed.
     */
    static CudaGraph capture(CUstream stream, Runnable work) {
        // thread-local mode: only this thread's unsafe calls (e.g. a stray cudaMalloc) invalidate the capture
        CudaCheck.driver(JCudaDriver.cuStreamBeginCapture(stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL),
                "cuStreamBeginCapture");
        Throwable workFailure = null;
        try {
            work.run();
        } catch (RuntimeException | Error e) {
            workFailure = e;
        }
        CUgraph graph = new CUgraph();
        int endStatus = JCudaDriver.cuStreamEndCapture(stream, graph);
        if (workFailure != null || endStatus != 0) {
            if (endStatus == 0) JCudaDriver.cuGraphDestroy(graph);
            // capture errors are not sticky, but leave them out of the next status check
            JCuda.cudaGetLastError();
            if (workFailure != null) {
                throw new CudaException("CUDA graph capture of the training step failed: "
                        + workFailure.getMessage(), workFailure);
            }
            throw CudaCheck.driverFailure(endStatus, "cuStreamEndCapture");
        }
        // the executable graph is independent of the template, which can go at once
        CUgraphExec exec = new CUgraphExec();
        int instantiateStatus = JCudaDriver.cuGraphInstantiate(exec, graph, 0);
        int destroyStatus = JCudaDriver.cuGraphDestroy(graph);
        CudaCheck.driver(instantiateStatus, "cuGraphInstantiate");
        if (destroyStatus != 0) {
            JCudaDriver.cuGraphExecDestroy(exec);
            throw CudaCheck.driverFailure(destroyStatus, "cuGraphDestroy");
        }
        return new CudaGraph(exec);
    }

    void launch(CUstream stream) {
        if (exec == null) throw new IllegalStateException("CUDA graph already destroyed");
        CudaCheck.driver(JCudaDriver.cuGraphLaunch(exec, stream), "cuGraphLaunch");
    }

    @Override
    public void close() {
        CUgraphExec e = exec;
        exec = null;
        // an executable graph that is still running is freed by the driver when it completes
        if (e != null) CudaCheck.driver(JCudaDriver.cuGraphExecDestroy(e), "cuGraphExecDestroy");
    }
}
