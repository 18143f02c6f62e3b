import Declarations

/// Which pretrained encoders a model configuration loads and the artifacts' names: the content keys under which
/// the runner's `PretrainedWeights` caches them and which `Plan` folds into every run key that uses them (so a
/// change of the pretraining procedure, which bumps its `version`, makes new runs rather than reusing old ones).
public enum PretrainedArtifacts {
    /// The text that identifies a component in an artifact key: its name and canonical parameters.
    public static func description(_ choice: ComponentChoice) -> String { choice.name + choice.params.json.jsonText }

    /// The pretraining a backbone choice asks for at `imageSize`, or nil (`pretrain: none`, or a backbone that
    /// declares no `pretrain` parameter).
    public static func backboneRecipe(for choice: ComponentChoice, imageSize: Int) throws -> BackbonePretraining? {
        guard choice.params.values["pretrain"] != nil, try choice.params.string("pretrain") != "none" else { return nil }
        return BackbonePretraining(scenes: try choice.params.int("pretrainScenes"), epochs: try choice.params.int("pretrainEpochs"),
                                   imageSize: imageSize)
    }

    /// The pretraining a text-encoder choice asks for, or nil (`pretrain: none`, or an encoder that declares no
    /// `pretrain` parameter).
    public static func textRecipe(for choice: ComponentChoice) throws -> TextPretraining? {
        guard choice.params.values["pretrain"] != nil, try choice.params.string("pretrain") != "none" else { return nil }
        return TextPretraining(sentences: try choice.params.int("pretrainSentences"), epochs: try choice.params.int("pretrainEpochs"))
    }

    /// `backbone-<key>.safetensors`.
    public static func backboneName(_ recipe: BackbonePretraining, _ choice: ComponentChoice) -> String {
        "backbone-\(recipe.key(backbone: description(choice))).safetensors"
    }

    /// `text-<key>.safetensors`.
    public static func textName(_ recipe: TextPretraining, _ choice: ComponentChoice) -> String {
        "text-\(recipe.key(encoder: description(choice))).safetensors"
    }

    /// The backbone pretraining `config` asks for at `imageSize`: the slot's choice and recipe, or nil (no
    /// `pretrain`, or an `init` file, whose weights the slot takes instead).
    public static func backbone(of config: ModelConfig, imageSize: Int) throws -> (choice: ComponentChoice, recipe: BackbonePretraining)? {
        guard let choice = config.choices[.backbone], choice.initFile == nil,
              let recipe = try backboneRecipe(for: choice, imageSize: imageSize) else { return nil }
        return (choice, recipe)
    }

    /// The text-encoder pretraining `config` asks for, as `backbone(of:imageSize:)`.
    public static func text(of config: ModelConfig) throws -> (choice: ComponentChoice, recipe: TextPretraining)? {
        guard let choice = config.choices[.text], choice.initFile == nil, let recipe = try textRecipe(for: choice) else { return nil }
        return (choice, recipe)
    }

    /// The artifacts `config` loads when its images are `imageSize` pixels wide, backbone first.
    public static func names(for config: ModelConfig, imageSize: Int) throws -> [String] {
        [try backbone(of: config, imageSize: imageSize).map { backboneName($0.recipe, $0.choice) },
         try text(of: config).map { textName($0.recipe, $0.choice) }].compactMap { $0 }
    }
}
