package io.sparkcnn.jobs.cli;

import io.sparkcnn.model.checkpoint.CodeVersion;
import picocli.CommandLine;

/** --version: the code version checkpoints record. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() { return new String[] {"sparkcnn " + CodeVersion.current()}; }
}
