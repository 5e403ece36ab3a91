"""Voting methods beyond supports: dots, scores, rankings and agree/disagree on statements, by round."""
