/**
 * The meta-accuracy predictor's jobs (thesis §5.3.3): {@code meta-pretrain} meta-learns the
 * accuracy MLP on the pairs of source tasks, {@code meta-adapt} adapts it to a target task from
 * a few of its pairs and compares it with the baselines of Fig. 5.6. The pairs themselves come
 * from {@code generate-pairs} and {@code train-accuracy}; the methods are in
 * {@code io.nasspark.predict.meta}.
 */
package io.nasspark.jobs.meta;
