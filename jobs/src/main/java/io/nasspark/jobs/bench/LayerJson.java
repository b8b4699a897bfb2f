package io.nasspark.jobs.bench;

import io.nasspark.model.Layer;
import java.util.stream.Collectors;

/**
 * A network's layers as JSON, for rebuilding the same network in PyTorch from Python
 * ({@code bin/bench_trainer.py}). Only the layers a benchmark network uses.
 */
final class LayerJson {

    private LayerJson() {}

    static String of(Layer layer) {
        if (layer instanceof Layer.Conv c) {
            return String.format("{\"type\": \"conv\", \"in\": %d, \"out\": %d, \"kernel\": %d, \"stride\": %d,"
                    + " \"groups\": %d, \"bias\": %b}", c.in(), c.out(), c.kernel(), c.stride(), c.groups(), c.bias());
        } else if (layer instanceof Layer.BatchNorm b) {
            return "{\"type\": \"batchnorm\", \"channels\": " + b.channels() + "}";
        } else if (layer instanceof Layer.Activation a) {
            return "{\"type\": \"" + a.kind().name().toLowerCase(java.util.Locale.ROOT) + "\"}";
        } else if (layer instanceof Layer.GlobalAvgPool) {
            return "{\"type\": \"globalavgpool\"}";
        } else if (layer instanceof Layer.Linear l) {
            return "{\"type\": \"linear\", \"in\": " + l.in() + ", \"out\": " + l.out() + "}";
        } else if (layer instanceof Layer.Identity) {
            return "{\"type\": \"identity\"}";
        } else if (layer instanceof Layer.Sequence s) {
            return "{\"type\": \"sequence\", \"layers\": ["
                    + s.layers().stream().map(LayerJson::of).collect(Collectors.joining(", ")) + "]}";
        } else if (layer instanceof Layer.Residual r) {
            return "{\"type\": \"residual\", \"body\": " + of(r.body()) + ", \"shortcut\": " + of(r.shortcut()) + "}";
        }
        throw new IllegalArgumentException("no JSON form for " + layer);
    }
}
