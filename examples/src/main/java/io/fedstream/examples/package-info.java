/** The seeds' tutorials ported as runnable examples, and the FedAvg main job. */
package io.fedstream.examples;
