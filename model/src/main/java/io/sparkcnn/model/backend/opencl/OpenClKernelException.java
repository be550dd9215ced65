package io.sparkcnn.model.backend.opencl;

/**
 * A kernel that cannot run on the chosen OpenCL device: it did not compile, or Aparapi fell
 * back to Java threads. Names the kernel, the op and the reason; never swallowed.
 */
public final class OpenClKernelException extends IllegalStateException {
    public OpenClKernelException(String message) { super(message); }

    public OpenClKernelException(String message, Throwable cause) { super(message, cause); }
}
