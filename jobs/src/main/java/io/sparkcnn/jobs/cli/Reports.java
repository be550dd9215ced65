package io.sparkcnn.jobs.cli;

import io.sparkcnn.jobs.eval.DetectionEvaluation;
import io.sparkcnn.jobs.eval.SegmentationEvaluation;
import io.sparkcnn.jobs.eval.VideoEvaluation;
import io.sparkcnn.model.train.Evaluation;

/** The lines the commands print for people and scripts. */
final class Reports {
    private Reports() {}

    static void printEvaluation(String split, Evaluation e) {
        System.out.printf("%s accuracy: %.4f (top-5 %.4f, mean loss %.4f) on %d examples%n", split, e.accuracy(),
                e.top5Accuracy(), e.meanLoss(), e.count());
    }

    /** The per-class table, then one line scripts can grep: "<split> mIoU: ..." with the baseline. */
    static void printSegmentation(String split, SegmentationEvaluation e) {
        System.out.print(e.text());
        System.out.printf("%s mIoU: %.4f (pixel accuracy %.4f; all-'%s' baseline mIoU %.4f) on %d pixels%n", split,
                e.scores().meanIou(), e.scores().pixelAccuracy(), e.classNames().get(e.baselineClass()),
                e.baseline().meanIou(), e.scores().countedPixels());
    }

    /** cocoeval's summary and the per-category table, then one line scripts can grep: "<split> AP: ...". */
    static void printDetection(String split, DetectionEvaluation e) {
        System.out.print(e.text());
        double[] s = e.stats();
        System.out.printf("%s AP: %.4f (AP50 %.4f, AP75 %.4f, AR100 %.4f)%n", split, s[0], s[1], s[2], s[8]);
    }

    /** The per-class table, then two lines scripts can grep: "<split> video accuracy: ..." and "<split> clip accuracy: ...". */
    static void printVideo(String split, VideoEvaluation e) {
        var m = e.metrics();
        System.out.print(e.text());
        System.out.printf("%s video accuracy: %.4f (top-5 %.4f) on %d videos, %d clips each%n", split, m.videoAccuracy(),
                m.videoTop5Accuracy(), m.videos(), m.clipsPerVideo());
        System.out.printf("%s clip accuracy: %.4f (top-5 %.4f, mean loss %.4f) on %d clips%n", split, m.clipAccuracy(),
                m.clipTop5Accuracy(), m.meanClipLoss(), m.clips());
    }
}
