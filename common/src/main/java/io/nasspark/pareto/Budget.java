package io.nasspark.pareto;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A budget on one objective, such as {@code latency_ms<=5}: the question "what is the best of
 * the other objectives among the points within it". The answer always lies on the first front,
 * since whatever dominates a point within the budget is within it too.
 *
 * @param text the budget as given
 * @param objective index of the constrained objective
 * @param operator one of {@code <=, <, >=, >}
 * @param bound the bound
 */
public record Budget(String text, int objective, String operator, double bound) {

    private static final Pattern FORM = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(<=|>=|<|>)\\s*(\\S+)\\s*");

    /**
     * Parses {@code COLUMN OP NUMBER} against the objectives' names.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Budget parse(String text, List<String> objectives) {
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("--budget " + text + " is not of the form COLUMN<=NUMBER"
                    + " (or <, >=, >)");
        }
        int index = objectives.indexOf(m.group(1));
        if (index < 0) {
            throw new IllegalArgumentException("--budget " + text + ": " + m.group(1) + " is not an objective; the"
                    + " objectives are " + objectives);
        }
        try {
            return new Budget(text.strip(), index, m.group(2), Double.parseDouble(m.group(3)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--budget " + text + ": " + m.group(3) + " is not a number");
        }
    }

    /** Whether a point, in the objectives' own units, is within the budget. */
    public boolean admits(double[] values) {
        double v = values[objective];
        return switch (operator) {
            case "<=" -> v <= bound;
            case "<" -> v < bound;
            case ">=" -> v >= bound;
            default -> v > bound;
        };
    }
}
