package analyzer

// factsCluster computes the model facts the cluster rules need. It runs after
// demand and indexes are computed.
func (b *builder) factsCluster() {}
