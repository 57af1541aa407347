package analyzer

// factsAddressing computes the model facts the addressing rules need. It runs after
// demand and indexes are computed.
func (b *builder) factsAddressing() {
	for _, id := range sortedKeys(b.m.Networks) {
		b.updateBatch(b.m.Networks[id])
	}
}

// updateBatch finds the largest batch of new tasks one stop-first rolling
// update on n creates. Swarm's updater creates the new task and marks the old
// one for shutdown in the same store transaction, and the allocator frees the
// old task's address only once it has stopped (moby/swarmkit
// manager/orchestrator/update, manager/allocator; code-derived), so for a
// moment a batch of `parallelism` tasks (every task when it is 0) holds
// addresses twice. start-first batches are already in Demand.UpdateExtra.
func (b *builder) updateBatch(n *Network) {
	for _, sid := range n.Services {
		s := b.m.Services[sid]
		if s == nil || s.UpdateOrder == "start-first" || s.Tasks <= 0 {
			continue
		}
		batch := s.Tasks
		if s.UpdateParallelism > 0 && s.UpdateParallelism < s.Tasks {
			batch = s.UpdateParallelism
		}
		if batch > n.Demand.UpdateBatch {
			n.Demand.UpdateBatch, n.Demand.UpdateBatchService = batch, sid
		}
	}
}
