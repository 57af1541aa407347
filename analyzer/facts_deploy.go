package analyzer

// factsDeploy computes the model facts the deploy rules need. It runs after
// demand and indexes are computed.
func (b *builder) factsDeploy() {}
