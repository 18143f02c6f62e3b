import NN

/// The optimisation both pretraining stages share: AdamW over `net`'s parameter groups (weight decay on
/// weights of rank ≥ 2), one warm-up epoch then polynomial decay (power 0.9), `steps` batches per epoch.
struct PretrainingLoop {
    var epochs: Int
    var steps: Int
    var learningRate: Double
    var weightDecay: Double

    /// A training batch's logits `[N, C, …]` and its class targets (one per position after the class axis).
    typealias Batch = (logits: Tensor, targets: [Int64])

    /// Trains `net`: `batches(epoch)` gives the epoch's batch function (step index → the batch's forward
    /// pass), `loss` the objective; `progress` receives (epoch, mean loss, accuracy of the argmax over the
    /// class axis) after each epoch.
    func run(_ net: Module, loss: (Tensor, [Int64]) -> Tensor, batches: (_ epoch: Int) -> (_ step: Int) -> Batch,
             progress: (_ epoch: Int, _ loss: Double, _ accuracy: Double) -> Void) throws {
        net.train()
        let schedule = LRSchedule.warmupPoly(totalSteps: epochs * steps, warmupSteps: steps)
        let optimizer = AdamW(groups: net.parameterGroups(weightDecay: Float(weightDecay)), learningRate: Float(learningRate))
        var step = 0
        for epoch in 1...epochs {
            let batch = batches(epoch)
            var lossSum = 0.0, correct = 0, total = 0
            for s in 0..<steps {
                optimizer.learningRate = schedule.learningRate(at: step, base: Float(learningRate))
                let (logits, targets) = batch(s)
                let value = loss(logits, targets)
                try value.backward()
                optimizer.step()
                optimizer.zeroGrad()
                step += 1
                lossSum += Double(value.item())
                let predicted = withNoGrad { logits.argmax(axis: 1) }.scalars
                for (p, t) in zip(predicted, targets) where Int64(p) == t { correct += 1 }
                total += targets.count
            }
            progress(epoch, lossSum / Double(steps), Double(correct) / Double(Swift.max(total, 1)))
        }
    }
}
