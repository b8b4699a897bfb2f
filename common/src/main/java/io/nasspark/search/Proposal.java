package io.nasspark.search;

import io.nasspark.space.Candidate;
import java.util.List;

/** A candidate a strategy wants evaluated, and how it was made. */
public record Proposal(Candidate candidate, String id, String origin, List<String> parents) {}
