import Foundation

/// Composes a scene of one kind: picks the target, its same-category distractors (placed so that only
/// the intended cue separates them), an anchor for relative expressions, clutter of other categories,
/// and writes the expression. Returns `nil` when a placement fails; the caller retries with the same
/// generator stream, which keeps the result deterministic.
struct SceneBuilder {
    let config: SyntheticConfig
    var side: Double { Double(config.imageSize) }

    func pickKind(_ rng: inout SeededRandom) -> SampleKind {
        let w = config.kindWeights
        var u = rng.uniform() * (w.position + w.relative + w.attribute + w.category)
        if u < w.position { return .position }
        u -= w.position
        if u < w.relative { return .relative }
        u -= w.relative
        if u < w.attribute { return rng.chance(0.5) ? .size : .colour }
        return .category
    }

    /// Size parameter `s` giving an instance area of `fraction` of the image.
    func sizeParameter(_ category: SyntheticCategory, fraction: Double) -> Double {
        (fraction * side * side / category.areaPerSizeSquared).squareRoot()
    }

    func randomSize(_ category: SyntheticCategory, _ rng: inout SeededRandom) -> Double {
        let f = category.areaFraction
        return sizeParameter(category, fraction: rng.uniform(f.lowerBound, f.upperBound))
    }

    /// Whether `o` lies in the image (its centre at least 0.8 of its radius from the border) and keeps
    /// clear of every placed object.
    func fits(_ o: SceneObject, among placed: [SceneObject]) -> Bool {
        let m = min(o.radius * 0.8, side / 2 - 1)
        guard o.x >= m, o.x <= side - m, o.y >= m, o.y <= side - m else { return false }
        for p in placed {
            let dx = o.x - p.x, dy = o.y - p.y
            if (dx * dx + dy * dy).squareRoot() < 0.9 * (o.radius + p.radius) { return false }
        }
        return true
    }

    /// Tries random centres from `propose` until one fits.
    func place(_ o: SceneObject, among placed: [SceneObject], tries: Int = 30, _ rng: inout SeededRandom,
               accept: (SceneObject) -> Bool = { _ in true },
               propose: (inout SeededRandom) -> (Double, Double)) -> SceneObject? {
        var o = o
        for _ in 0..<tries {
            (o.x, o.y) = propose(&rng)
            if fits(o, among: placed) && accept(o) { return o }
        }
        return nil
    }

    func anywhere(_ rng: inout SeededRandom) -> (Double, Double) { (rng.uniform(0, side), rng.uniform(0, side)) }

    func make(_ c: SyntheticCategory, s: Double, variant: Int, sun: Double, _ rng: inout SeededRandom) -> SceneObject {
        SceneObject(category: c, x: 0, y: 0, s: s, angle: c == .chimney ? sun : rng.uniform(0, 2 * .pi), variant: variant)
    }

    func attempt(_ rng: inout SeededRandom, kind: SampleKind) -> ComposedScene? {
        let sun = rng.uniform(0, 2 * .pi)
        var objects: [SceneObject] = []
        var expression: String
        let all = SyntheticCategory.allCases
        switch kind {
        case .position:
            let limit = side * 0.2
            let fitting = all.filter { $0.boundingRadius(sizeParameter($0, fraction: $0.areaFraction.lowerBound)) <= limit }
            let cat = rng.pick(fitting)
            var s = randomSize(cat, &rng)
            let sMin = sizeParameter(cat, fraction: cat.areaFraction.lowerBound)
            while cat.boundingRadius(s) > limit && s > sMin { s = max(sMin, s * 0.92) }
            let variant = rng.int(below: cat.palette.count)
            var cells = (0..<9).map { GridCell(row: $0 / 3, col: $0 % 3) }
            rng.shuffle(&cells)
            let n = rng.int(in: config.distractors)
            let third = side / 3
            for k in 0...n {
                let cell = cells[k]
                let size = k == 0 ? s : max(sMin, s * rng.uniform(0.87, 1.15))
                let o = make(cat, s: size, variant: variant, sun: sun, &rng)
                guard let placed = place(o, among: objects, &rng, propose: { r in
                    ((Double(cell.col) + r.uniform(0.2, 0.8)) * third, (Double(cell.row) + r.uniform(0.2, 0.8)) * third)
                }) else { return nil }
                objects.append(placed)
            }
            let target = cells[0], others = cells[1...n]
            var options: [PositionGranularity] = []
            if target.col != 1 && !others.contains(where: { $0.col == target.col }) { options.append(.column) }
            if target.row != 1 && !others.contains(where: { $0.row == target.row }) { options.append(.row) }
            // Corners and the centre have a precise phrase of their own; edge cells only the coarse ones.
            if (target.row != 1) == (target.col != 1) { options.append(.cell) }
            guard !options.isEmpty else { return nil }
            let phrase = ExpressionTemplates.position(target, rng.pick(options), &rng)
            expression = ExpressionTemplates.absolute(object: cat.name, position: phrase, &rng)

        case .relative:
            let cat = rng.pick([SyntheticCategory.vehicle, .chimney, .storageTank, .ship, .airplane])
            let anchorCat = rng.pick(all.filter { $0 != cat })
            let anchor = make(anchorCat, s: randomSize(anchorCat, &rng), variant: rng.int(below: anchorCat.palette.count), sun: sun, &rng)
            guard let a = place(anchor, among: [], &rng, propose: anywhere) else { return nil }
            let s = randomSize(cat, &rng), variant = rng.int(below: cat.palette.count)
            let t = make(cat, s: s, variant: variant, sun: sun, &rng)
            let d = 0.9 * (a.radius + t.radius) + rng.uniform(0.5, 2.5)
            guard let target = place(t, among: [a], &rng, propose: { r in
                let th = r.uniform(0, 2 * .pi)
                return (a.x + d * cos(th), a.y + d * sin(th))
            }) else { return nil }
            objects = [target, a]
            let far = d + max(6, side / 10)
            for _ in 0..<rng.int(in: config.distractors) {
                let o = make(cat, s: s * rng.uniform(0.87, 1.15), variant: variant, sun: sun, &rng)
                guard let p = place(o, among: objects, tries: 60, &rng, accept: { hypot($0.x - a.x, $0.y - a.y) >= far },
                                    propose: anywhere) else { return nil }
                objects.append(p)
            }
            expression = ExpressionTemplates.relative(object: cat.name, anchor: anchorCat.name, &rng)

        case .size:
            let cat = rng.pick(all.filter { $0.supportsSizeContrast })
            let f = cat.areaFraction, big = rng.chance(0.5), ratio = 2.7
            let fT = big ? rng.uniform(f.lowerBound * ratio, f.upperBound) : rng.uniform(f.lowerBound, f.upperBound / ratio)
            let variant = rng.int(below: cat.palette.count)
            for k in 0...rng.int(in: config.distractors) {
                let frac = k == 0 ? fT : (big ? rng.uniform(f.lowerBound, fT / ratio) : rng.uniform(fT * ratio, f.upperBound))
                let o = make(cat, s: sizeParameter(cat, fraction: frac), variant: variant, sun: sun, &rng)
                guard let p = place(o, among: objects, &rng, propose: anywhere) else { return nil }
                objects.append(p)
            }
            let word = big ? rng.pick(["large", "big", "larger"]) : rng.pick(["small", "little", "smaller"])
            expression = ExpressionTemplates.absolute(object: "\(word) \(cat.name)", position: redundantPhrase(objects[0], &rng), &rng)

        case .colour:
            let cat = rng.pick(all.filter { $0.palette.count >= 2 })
            let vT = rng.int(below: cat.palette.count), s = randomSize(cat, &rng)
            for k in 0...rng.int(in: config.distractors) {
                let v = k == 0 ? vT : (vT + 1 + rng.int(below: cat.palette.count - 1)) % cat.palette.count
                let o = make(cat, s: k == 0 ? s : s * rng.uniform(0.87, 1.15), variant: v, sun: sun, &rng)
                guard let p = place(o, among: objects, &rng, propose: anywhere) else { return nil }
                objects.append(p)
            }
            let object = "\(cat.colourNames[vT]) \(cat.name)"
            expression = ExpressionTemplates.absolute(object: object, position: redundantPhrase(objects[0], &rng), &rng)

        case .category:
            // Large categories rarely fit the position and size kinds (three same-category fields
            // don't fit a small image), so this kind favours them to keep categories and scales balanced.
            let cat = rng.chance(0.4) ? rng.pick([SyntheticCategory.bridge, .groundTrackField, .baseballField]) : rng.pick(all)
            let o = make(cat, s: randomSize(cat, &rng), variant: rng.int(below: cat.palette.count), sun: sun, &rng)
            guard let p = place(o, among: [], &rng, propose: anywhere) else { return nil }
            objects = [p]
            let object = rng.chance(0.3) && cat.colourNames.count > 1 ? "\(cat.colourNames[p.variant]) \(cat.name)" : cat.name
            expression = ExpressionTemplates.absolute(object: object, position: redundantPhrase(p, &rng), &rng)
        }

        // Clutter: other categories only, so it never creates an unintended same-category ambiguity.
        let used = Set(objects.map(\.category))
        let others = all.filter { !used.contains($0) }
        let clutter = max(kind == .category ? 1 : 0, rng.int(in: config.clutter))
        for _ in 0..<clutter {
            let c = rng.pick(others)
            let o = make(c, s: randomSize(c, &rng), variant: rng.int(below: c.palette.count), sun: sun, &rng)
            if let p = place(o, among: objects, tries: 15, &rng, propose: anywhere) { objects.append(p) }
        }
        return ComposedScene(objects: objects, expression: expression, kind: kind,
                             positionNeeded: kind == .position || kind == .relative)
    }

    /// A true but redundant absolute phrase for samples that don't need one, with probability
    /// `config.redundantPosition`.
    func redundantPhrase(_ target: SceneObject, _ rng: inout SeededRandom) -> String? {
        guard rng.chance(config.redundantPosition) else { return nil }
        return ExpressionTemplates.position(GridCell(x: target.x, y: target.y, size: config.imageSize), .cell, &rng)
    }
}
