package io.sparkcnn.jobs.cli;

import io.sparkcnn.model.train.Evaluation;

/** The lines the commands print for people and scripts. */
final class Reports {
    private Reports() {}

    static void printEvaluation(String split, Evaluation e) {
        System.out.printf("%s accuracy: %.4f (top-5 %.4f, mean loss %.4f) on %d examples%n", split, e.accuracy(),
                e.top5Accuracy(), e.meanLoss(), e.count());
    }
}
