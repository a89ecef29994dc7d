/**
 * Retrieval evaluation on a team's own data: test collections read from BEIR or SMART files, ranking
 * metrics (nDCG, average precision, recall), runs of a {@link dev.quarry.index.Retriever} at the depth an
 * application uses and at a deep cutoff, and a paired significance test for the difference of two runs.
 */
package dev.quarry.index.eval;
