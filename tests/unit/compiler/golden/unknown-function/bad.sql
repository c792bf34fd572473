SELECT ctr_scor(f1, f2, f3, f4), TO_TIMESTMP(label)
FROM impressions;
