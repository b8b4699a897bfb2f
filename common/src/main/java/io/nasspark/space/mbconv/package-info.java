/** The layer-wise MBConv spaces of SurgeNAS and LightNAS, with optional channel scales. */
package io.nasspark.space.mbconv;
