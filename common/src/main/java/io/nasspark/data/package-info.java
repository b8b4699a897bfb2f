/**
 * Image datasets for training-based scoring: IDX (MNIST, Fashion-MNIST), the CIFAR binary
 * format, an image-folder reader (one folder per class), and the tiny-task builder. No Spark:
 * jobs load a dataset once per executor from a path every executor can read.
 */
package io.nasspark.data;
