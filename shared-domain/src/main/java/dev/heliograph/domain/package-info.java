/** Heliograph's pure domain: targets, check specs, check results, ids and validation. */
package dev.heliograph.domain;
