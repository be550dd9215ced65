package io.sparkcnn.jobs.cli;

import io.sparkcnn.jobs.config.ConfigException;
import io.sparkcnn.jobs.train.TrainingStoppedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line for spark-submit: {@code sparkcnn train|evaluate|predict --config conf/x.conf
 * --set key=value ...}. Exit codes: 0 done, 2 a setting is wrong (named in the message),
 * 3 training stopped on a non-finite loss, 1 anything else.
 */
@Command(name = "sparkcnn", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Train, evaluate and predict with convolutional networks on Apache Spark.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, ExplainCommand.class, ExportCommand.class,
                ReportCommand.class,
                CommandLine.HelpCommand.class},
        footerHeading = "%nSettings (--set key=value, or in the --config file):%n")
public final class SparkCnn implements Runnable {
    public static final int CONFIG_ERROR = 2;
    public static final int TRAINING_STOPPED = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: train, evaluate, predict, explain, export or report");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command and returns its exit code (tests call this instead of main). */
    public static int execute(String... args) {
        CommandLine cli = commandLine();
        return cli.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SparkCnn());
        String settings = SettingsHelp.table();
        cli.getCommandSpec().usageMessage().footer(settings);
        for (CommandLine sub : cli.getSubcommands().values()) {
            if (sub.getCommand() instanceof JobCommand) {
                sub.getCommandSpec().usageMessage().footerHeading("%nSettings (--set key=value, or in the --config file):%n");
                sub.getCommandSpec().usageMessage().footer(settings);
            }
        }
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof ConfigException) {
                commandLine.getErr().println("error: " + ex.getMessage());
                return CONFIG_ERROR;
            }
            if (ex instanceof TrainingStoppedException) {
                commandLine.getErr().println("error: " + ex.getMessage());
                return TRAINING_STOPPED;
            }
            throw ex;
        });
        return cli;
    }
}
