SELECT ctr_score(f1, f2, f3), SPLIT_INDEX(label, ',')
FROM impressions;
