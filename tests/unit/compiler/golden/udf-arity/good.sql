SELECT ctr_score(f1, f2, f3, f4), SPLIT_INDEX(label, ',', 0)
FROM impressions;
