import NN
import Declarations

/// Swin Transformer backbone (Liu et al., 2021), scaled down: stride-4 patch embedding, four stages of
/// windowed self-attention blocks (shifted windows on alternate blocks, with the shift attention mask,
/// relative position bias), patch merging between stages, and an alignment module after each stage's
/// blocks. Windows follow `SwinWindowRule` (by default the detection-style Swin of LAVT and FIANet). Each stage's output (the alignment's `r`) goes through its own LayerNorm over channels before it
/// leaves the backbone (`norm{i}` of the official code).
public final class SwinBackbone: Module, Backbone {
    public let patchEmbed: Conv2d
    public let patchNorm: LayerNorm
    public let stages: [SwinStage]
    /// One LayerNorm per stage output.
    public let outputNorms: [LayerNorm]
    public let channels: [Int]

    /// - Parameters: dims per stage (e.g. 32/64/128/256), depths (e.g. 1/1/2/1), heads, window size.
    public init(dims: [Int], depths: [Int], heads: [Int], window: Int, windowRule: SwinWindowRule = .detection,
                mlpRatio: Int = 4, alignment: AlignmentFactory, rng: inout RNG) throws {
        precondition(dims.count == 4 && depths.count == 4 && heads.count == 4, "SwinBackbone: four stages")
        channels = dims
        patchEmbed = Conv2d(3, dims[0], kernelSize: 4, stride: 4, rng: &rng)
        patchNorm = LayerNorm(dims[0])
        stages = try (0..<4).map { i in
            SwinStage(dim: dims[i], depth: depths[i], heads: heads[i], window: window, windowRule: windowRule, mlpRatio: mlpRatio,
                      align: try alignment(i, dims[i], &rng), nextDim: i < 3 ? dims[i + 1] : nil, rng: &rng)
        }
        outputNorms = dims.map { LayerNorm($0) }
        super.init()
    }

    /// images `[B, 3, H, W]` → four maps `[B, C_i, H/s_i, W/s_i]`.
    public func callAsFunction(_ images: Tensor, text: TextFeatures) -> [Tensor] {
        scoped {
            var x = patchNorm(patchEmbed(images).permuted([0, 2, 3, 1]))   // tokens [B, H/4, W/4, C]
            var outputs: [Tensor] = []
            for (stage, norm) in zip(stages, outputNorms) {
                let (output, next) = stage(x, text: text)
                outputs.append(channelNorm(norm, output))
                if let next { x = next }
            }
            return outputs
        }
    }
}

/// One Swin stage: blocks, then alignment with the language, then patch merging for the next stage.
public final class SwinStage: Module {
    public let blocks: [SwinBlock]
    public let align: any AlignmentModule
    public let downsample: PatchMerging?

    init(dim: Int, depth: Int, heads: Int, window: Int, windowRule: SwinWindowRule, mlpRatio: Int, align: any AlignmentModule,
         nextDim: Int?, rng: inout RNG) {
        blocks = (0..<depth).map { j in
            SwinBlock(dim: dim, heads: heads, window: window, rule: windowRule, shifted: j % 2 == 1, mlpRatio: mlpRatio, rng: &rng)
        }
        self.align = align
        downsample = nextDim.map { PatchMerging(dim: dim, outDim: $0, rng: &rng) }
        super.init()
    }

    /// tokens `[B, H, W, C]` → (stage output `[B, C, H, W]`, next stage's tokens `[B, H/2, W/2, C']` or nil).
    func callAsFunction(_ tokens: Tensor, text: TextFeatures) -> (Tensor, Tensor?) {
        scoped {
            var x = tokens
            for block in blocks { x = block(x) }
            let (visual, output) = align(x.permuted([0, 3, 1, 2]), text: text)
            return (output, downsample.map { $0(visual.permuted([0, 2, 3, 1])) })
        }
    }
}

/// How a Swin block lays its windows over a map whose side is not a multiple of the window, or is no larger
/// than it.
public enum SwinWindowRule: String, CaseIterable, Sendable {
    /// The detection-style Swin of LAVT and FIANet (`lib/backbone.py`): the normalised map is padded with
    /// zeros on the bottom and right to a window multiple, every second block shifts by half a window whatever
    /// the map's size, and the padding is cropped after attention. On small maps the zero tokens and the shift
    /// mask make a token's attention depend on where it sits in the map.
    case detection
    /// The classification Swin's rule: a map no larger than the window is one window of the map's size and
    /// is not shifted (larger maps must be window multiples).
    case classification

    /// The `windowRule` parameter the Swin backbone declares.
    public static let parameter = ParameterSpec.choice("windowRule", allCases.map(\.rawValue), default: SwinWindowRule.detection.rawValue,
        doc: "detection (official: pad every map to a window multiple, always shift) or classification (a map no larger than the window is one unshifted window)")
}

/// A Swin block: `x + W-MSA(LN(x))`, then `x + MLP(LN(x))`; `shifted` blocks roll the map by half a
/// window first and mask attention between pixels that were not neighbours before the roll.
public final class SwinBlock: Module {
    public let norm1: LayerNorm
    public let attention: WindowAttention
    public let norm2: LayerNorm
    public let fc1: Linear
    public let fc2: Linear
    let window: Int
    let rule: SwinWindowRule
    let shifted: Bool

    init(dim: Int, heads: Int, window: Int, rule: SwinWindowRule, shifted: Bool, mlpRatio: Int, rng: inout RNG) {
        self.window = window
        self.rule = rule
        self.shifted = shifted
        norm1 = LayerNorm(dim)
        attention = WindowAttention(dim: dim, heads: heads, window: window, rng: &rng)
        norm2 = LayerNorm(dim)
        fc1 = Linear(dim, dim * mlpRatio, init: .truncatedNormal(std: 0.02), rng: &rng)
        fc2 = Linear(dim * mlpRatio, dim, init: .truncatedNormal(std: 0.02), rng: &rng)
        super.init()
    }

    /// tokens `[B, H, W, C]` → same shape.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        scoped {
            let (h, w) = (x.shape[1], x.shape[2])
            let win: Int, shift: Int, padded: (h: Int, w: Int)
            switch rule {
            case .detection:
                win = window
                shift = shifted ? window / 2 : 0
                padded = ((h + window - 1) / window * window, (w + window - 1) / window * window)
            case .classification:
                win = Swift.min(window, h, w)
                shift = shifted && Swift.min(h, w) > window ? win / 2 : 0
                padded = (h, w)
            }
            let pads = padded.h != h || padded.w != w
            var y = norm1(x)
            if pads { y = y.padded([(0, 0), (0, padded.h - h), (0, padded.w - w), (0, 0)]) }
            if shift > 0 { y = y.rolled(by: -shift, axis: 1).rolled(by: -shift, axis: 2) }
            y = attention(y, window: win,
                          mask: shift > 0 ? ShiftMask.make(height: padded.h, width: padded.w, window: win, shift: shift) : nil)
            if shift > 0 { y = y.rolled(by: shift, axis: 1).rolled(by: shift, axis: 2) }
            if pads { y = y.slice(axis: 1, 0..<h).slice(axis: 2, 0..<w) }
            let x1 = x + y
            return x1 + fc2(gelu(fc1(norm2(x1))))
        }
    }
}

/// Multi-head self-attention inside non-overlapping windows, with a learned relative position bias.
public final class WindowAttention: Module {
    public let qkv: Linear
    public let proj: Linear
    /// `[(2w−1)², heads]`: one bias per relative offset and head.
    public let relativeBias: Tensor
    let heads: Int
    let window: Int

    init(dim: Int, heads: Int, window: Int, rng: inout RNG) {
        precondition(dim % heads == 0, "WindowAttention: dim \(dim) is not divisible by \(heads) heads")
        self.heads = heads
        self.window = window
        qkv = Linear(dim, 3 * dim, init: .truncatedNormal(std: 0.02), rng: &rng)
        proj = Linear(dim, dim, init: .truncatedNormal(std: 0.02), rng: &rng)
        relativeBias = Init.truncatedNormal([(2 * window - 1) * (2 * window - 1), heads], std: 0.02, rng: &rng)
        super.init()
    }

    /// tokens `[B, H, W, C]` → `[B, H, W, C]`, attending within `win`×`win` windows; `mask` `[nW, N, N]`
    /// (0 or −100) for shifted windows.
    func callAsFunction(_ x: Tensor, window win: Int, mask: Tensor?) -> Tensor {
        scoped {
            let (b, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
            let (nh, nw, n, hd) = (h / win, w / win, win * win, c / heads)
            let windows = x.reshaped([b, nh, win, nw, win, c]).permuted([0, 1, 3, 2, 4, 5]).reshaped([b * nh * nw, n, c])
            let parts = qkv(windows).reshaped([b * nh * nw, n, 3, heads, hd]).permuted([2, 0, 3, 1, 4])
                .split(sizes: [1, 1, 1], axis: 0).map { $0.reshaped([b * nh * nw, heads, n, hd]) }
            var attn = matmul(parts[0] * (1 / Float(hd).squareRoot()), parts[1], transposeB: true)   // [B', heads, N, N]
            attn = attn + positionBias(window: win)
            if let mask {
                attn = (attn.reshaped([b, nh * nw, heads, n, n]) + mask.reshaped([1, nh * nw, 1, n, n]))
                    .reshaped([b * nh * nw, heads, n, n])
            }
            let out = matmul(softmax(attn, axis: -1), parts[2])                                       // [B', heads, N, hd]
            let merged = proj(out.permuted([0, 2, 1, 3]).reshaped([b * nh * nw, n, c]))
            return merged.reshaped([b, nh, nw, win, win, c]).permuted([0, 1, 3, 2, 4, 5]).reshaped([b, h, w, c])
        }
    }

    /// `[heads, N, N]` bias for a `win`×`win` window (the table is indexed as if the window were `window`
    /// wide; a smaller window uses the central offsets, which exist in the table).
    func positionBias(window win: Int) -> Tensor {
        let n = win * win, side = 2 * window - 1
        var index = [Int](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n {
            let dy = i / win - j / win + window - 1, dx = i % win - j % win + window - 1
            index[i * n + j] = dy * side + dx
        } }
        return embedding(index, shape: [n, n], weight: relativeBias).permuted([2, 0, 1])
    }
}

/// Swin's attention mask for shifted windows: pixels that came from different regions before the cyclic
/// shift must not attend to each other.
enum ShiftMask {
    /// `[nW, N, N]` with 0 between pixels of the same region and −100 otherwise.
    static func make(height: Int, width: Int, window: Int, shift: Int) -> Tensor {
        func region(_ i: Int, _ extent: Int) -> Int { i < extent - window ? 0 : (i < extent - shift ? 1 : 2) }
        let (nh, nw, n) = (height / window, width / window, window * window)
        var values = [Float](repeating: 0, count: nh * nw * n * n)
        for wy in 0..<nh { for wx in 0..<nw {
            let ids = (0..<n).map { p in region(wy * window + p / window, height) * 3 + region(wx * window + p % window, width) }
            let base = (wy * nw + wx) * n * n
            for i in 0..<n { for j in 0..<n where ids[i] != ids[j] { values[base + i * n + j] = -100 } }
        } }
        return Tensor(shape: [nh * nw, n, n], data: values)
    }
}

/// Patch merging: concatenate each 2×2 neighbourhood (4C channels), LayerNorm, linear map to C'.
public final class PatchMerging: Module {
    public let norm: LayerNorm
    public let reduction: Linear

    init(dim: Int, outDim: Int, rng: inout RNG) {
        norm = LayerNorm(4 * dim)
        reduction = Linear(4 * dim, outDim, bias: false, init: .truncatedNormal(std: 0.02), rng: &rng)
        super.init()
    }

    /// tokens `[B, H, W, C]` → `[B, H/2, W/2, C']`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        scoped {
            let (b, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
            // Swin's order of the four neighbours: (0,0), (1,0), (0,1), (1,1).
            let grid = x.reshaped([b, h / 2, 2, w / 2, 2, c]).permuted([0, 1, 3, 4, 2, 5]).reshaped([b, h / 2, w / 2, 4 * c])
            return reduction(norm(grid))
        }
    }
}

extension Components {
    public static let swin = BackboneComponent(
        name: "swin",
        doc: "Swin Transformer: shifted-window self-attention in four stages with patch merging (LAVT/FIANet's backbone).",
        parameters: [
            StageParameters.dims,
            StageParameters.depths("transformer blocks"),
            .intList("heads", default: [1, 2, 4, 8], count: 4, range: 1...64, doc: "attention heads per stage"),
            .int("window", default: 4, range: 2...16, doc: "attention window side, in tokens"),
            SwinWindowRule.parameter,
        ] + StageParameters.pretraining,
        constraints: [.dividesEach("heads", "dims"), .windowTilesStageMaps("window", unless: ("windowRule", SwinWindowRule.detection.rawValue))]
    ) { p, input, rng in
        try SwinBackbone(dims: try p.ints("dims"), depths: try p.ints("depths"), heads: try p.ints("heads"),
                         window: try p.int("window"), windowRule: try p.choice(SwinWindowRule.parameter.name, of: SwinWindowRule.self),
                         alignment: input.alignment, rng: &rng)
    }
}
