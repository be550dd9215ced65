package io.sparkcnn.model.backend.opencl;

/**
 * Host/device transfers of one backend: how many and how many bytes each way, so tests can
 * check that a training step moves only the minibatch, the targets and the loss.
 */
public final class TransferCounter {
    private long toDevice, toDeviceBytes, toHost, toHostBytes, launches;

    void countToDevice(long floats) {
        toDevice++;
        toDeviceBytes += 4 * floats;
    }

    void countToHost(long floats) {
        toHost++;
        toHostBytes += 4 * floats;
    }

    void countLaunch() { launches++; }

    /** Host -> device copies. */
    public long toDevice() { return toDevice; }

    public long toDeviceBytes() { return toDeviceBytes; }

    /** Device -> host copies. */
    public long toHost() { return toHost; }

    public long toHostBytes() { return toHostBytes; }

    /** Kernel launches (not transfers; for reports). */
    public long launches() { return launches; }

    public void reset() {
        toDevice = toDeviceBytes = toHost = toHostBytes = launches = 0;
    }

    @Override
    public String toString() {
        return "to device " + toDevice + " (" + toDeviceBytes + " B), to host " + toHost + " (" + toHostBytes + " B), "
                + launches + " launches";
    }
}
