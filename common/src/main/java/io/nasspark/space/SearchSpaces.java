package io.nasspark.space;

import io.nasspark.space.graft.GraftSpace;
import io.nasspark.space.mbconv.MbConvSpace;
import io.nasspark.space.nb201.Nb201Space;
import java.util.List;

/** Finds a search space by the name used in tables and on the command line. */
public final class SearchSpaces {

    /** Every space name, in the order help texts list them; grafting spaces are named by their base. */
    public static final List<String> NAMES = List.of("nb201", "mbconv", "mbconv-small", "mbconv-mini",
            "mbconv-hybrid", "mbconv-small-hybrid", "mbconv-mini-hybrid");

    private SearchSpaces() {}

    /** The space called {@code name}, without channel scales. */
    public static SearchSpace byName(String name) {
        return byName(name, false);
    }

    /**
     * The space called {@code name}.
     *
     * @param withScales search per-layer channel scales too (MBConv spaces only)
     * @throws IllegalArgumentException for an unknown name, or scales on a space without them
     */
    public static SearchSpace byName(String name, boolean withScales) {
        if (name != null && name.startsWith(GraftSpace.PREFIX)) {
            if (withScales) {
                throw new IllegalArgumentException("space " + name + " has no channel scales");
            }
            return GraftSpace.named(name);
        }
        if (name != null && name.endsWith(MbConvSpace.HYBRID_SUFFIX)) {
            String baseName = name.substring(0, name.length() - MbConvSpace.HYBRID_SUFFIX.length());
            SearchSpace base;
            try {
                base = byName(baseName, withScales);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown space '" + name + "' (the hybrid spaces: "
                        + String.join(", ", NAMES.stream().filter(n -> n.endsWith(MbConvSpace.HYBRID_SUFFIX)).toList())
                        + ")", e);
            }
            if (base instanceof MbConvSpace mbconv) {
                return mbconv.hybrid();
            }
            throw new IllegalArgumentException("space " + name + ": only MBConv spaces have a hybrid form");
        }
        SearchSpace space = switch (name == null ? "" : name) {
            case "nb201" -> new Nb201Space();
            case "mbconv" -> MbConvSpace.imagenet(withScales);
            case "mbconv-small" -> MbConvSpace.small(withScales);
            case "mbconv-mini" -> MbConvSpace.mini(withScales);
            default -> throw new IllegalArgumentException(
                    "unknown space '" + name + "' (known: " + String.join(", ", NAMES) + ", "
                            + GraftSpace.PREFIX + "BASE)");
        };
        if (withScales && !(space instanceof MbConvSpace)) {
            throw new IllegalArgumentException("space " + name + " has no channel scales");
        }
        return space;
    }
}
