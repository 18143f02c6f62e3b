import Testing
@testable import RRSISData

/// One expression with its expected position phrases and ground-object words.
struct DecouplingCase: CustomTestStringConvertible, Sendable {
    let text: String
    let phrases: [String]
    let objects: [String]
    let list: String
    init(_ text: String, _ phrases: [String], _ objects: [String], list: String = "rrsisd") {
        self.text = text; self.phrases = phrases; self.objects = objects; self.list = list
    }
    var testDescription: String { text }
    var classList: ClassList {
        switch list {
        case "refsegrs": return ClassLists.refSegRS
        case "synthetic": return ClassLists.synthetic
        default: return ClassLists.rrsisD
        }
    }
}

@Suite struct DecouplerTests {
    // Expressions in the style of RRSIS-D, RefSegRS and our templates, with none, one and two
    // position phrases. Phrases headed by "of" are left out; the expected words are hand-written.
    static let cases: [DecouplingCase] = [
        // RRSIS-D style
        .init("the storage tank on the top left", ["on the top left"], ["storage", "tank"]),
        .init("the vehicle in the middle", ["in the middle"], ["vehicle"]),
        .init("the vehicle next to the bridge", ["next to the bridge"], ["vehicle", "bridge"]),
        .init("a white airplane", [], ["airplane"]),
        .init("the large ground track field", [], ["ground", "track", "field"]),
        .init("storage tank located at the top left of the image", ["at the top left"], ["storage", "tank"]),
        .init("the ship on the right near the harbor", ["on the right", "near the harbor"], ["ship", "harbor"]),
        .init("the baseball field in the lower right corner", ["in the lower right corner"], ["baseball", "field"]),
        .init("there is a tennis court on the left side", ["on the left side"], ["tennis", "court"]),
        .init("the chimney which is at the bottom", ["at the bottom"], ["chimney"]),
        .init("the overpass above the expressway service area", ["above the expressway service area"],
              ["overpass", "expressway", "service", "area"]),
        .init("a small windmill", [], ["windmill"]),
        .init("The Golf Field.", [], ["golf", "field"]),
        .init("the dam in the center of the picture", ["in the center"], ["dam"]),
        .init("ships in the upper part of the image", ["in the upper part"], ["ships"]),
        .init("the basketball court between the two tennis courts", ["between the two tennis courts"],
              ["basketball", "court", "tennis", "courts"]),
        .init("the train station close to the stadium", ["close to the stadium"], ["train", "station", "stadium"]),
        .init("the expressway toll station on the upper right of the image", ["on the upper right"],
              ["expressway", "toll", "station"]),
        .init("the gray vehicle parked on the road", ["on the road"], ["vehicle"]),
        .init("a bridge over the river at the bottom", ["over the river", "at the bottom"], ["bridge"]),
        .init("the stadium is in the middle of the image", ["in the middle"], ["stadium"]),
        .init("the harbor on the left and the ship", ["on the left"], ["harbor", "ship"]),
        .init("the big storage tank, top-left", [], ["storage", "tank"]),
        .init("airplane at the upper left corner of the airport", ["at the upper left corner"], ["airplane", "airport"]),
        .init("the biggest vehicle", [], ["vehicle"]),
        // RefSegRS style
        .init("vehicle on the left side of the road", ["on the left side"], ["vehicle", "road"], list: "refsegrs"),
        .init("the building in the lower right", ["in the lower right"], ["building"], list: "refsegrs"),
        .init("low vegetation near the road", ["near the road"], ["low", "vegetation", "road"], list: "refsegrs"),
        .init("the white car along the sidewalk", ["along the sidewalk"], ["car", "sidewalk"], list: "refsegrs"),
        .init("trees", [], ["trees"], list: "refsegrs"),
        .init("the bus behind the truck on the bikeway", ["behind the truck", "on the bikeway"], ["bus", "truck", "bikeway"], list: "refsegrs"),
        .init("road markings", [], ["road", "markings"], list: "refsegrs"),
        .init("impervious surface in the top of the image", ["in the top"], ["impervious", "surface"], list: "refsegrs"),
        .init("the van with a red roof", [], ["van"], list: "refsegrs"),
        // Synthetic templates
        .init("the tennis court that is on the far right", ["on the far right"], ["tennis", "court"], list: "synthetic"),
        .init("there is an orange basketball court", [], ["basketball", "court"], list: "synthetic"),
        .init("the chimney beside the ground track field", ["beside the ground track field"],
              ["chimney", "ground", "track", "field"], list: "synthetic"),
    ]

    @Test(arguments: cases)
    func decouples(_ c: DecouplingCase) {
        let r = PhraseDecoupler(classList: c.classList, grammar: .lexicon).decouple(c.text)
        #expect(r.phraseTexts == c.phrases)
        #expect(r.objectWords == c.objects)
        if c.phrases.isEmpty {
            #expect(r.positionMask == [Bool](repeating: true, count: r.words.count))   // fallback: whole expression
        } else {
            #expect(r.positionMask.filter { $0 }.count == c.phrases.map { $0.split(separator: " ").count }.reduce(0, +))
        }
    }

    @Test func maskPositionsForOneExpression() {
        let r = PhraseDecoupler(classList: ClassLists.rrsisD, grammar: .lexicon).decouple("the ship on the right near the harbor")
        //                 the    ship   on    the   right  near  the   harbor
        #expect(r.objectMask == [false, true, false, false, false, false, false, true])
        #expect(r.positionMask == [false, false, true, true, true, true, true, true])
        #expect(r.positionPhrases == [2..<5, 5..<8])
    }

    @Test func noClassWordFallsBackToWholeExpression() {
        let r = PhraseDecoupler(classList: ClassLists.rrsisD, grammar: .lexicon).decouple("something shiny")
        #expect(r.objectMask == [true, true] && r.positionMask == [true, true])
    }

    /// The official grammar (`IN DT? JJ? (NN|JJ)`, chunks with "of" dropped), expected chunks derived by hand
    /// from the grammar with NLTK's tags: "to" is TO (so "next to"/"close to" are no chunk), a chunk ends at
    /// its first noun ("above the expressway", "beside the ground"), plurals (NNS) and numbers (CD) fit no
    /// slot, "with" is IN, and any chunk containing the letters "of" is dropped ("with a red roof").
    static let officialCases: [DecouplingCase] = [
        .init("the storage tank on the top left", ["on the top left"], ["storage", "tank"]),
        .init("the vehicle in the middle", ["in the middle"], ["vehicle"]),
        .init("the vehicle next to the bridge", [], ["vehicle", "bridge"]),
        .init("storage tank located at the top left of the image", ["at the top left"], ["storage", "tank"]),
        .init("the ship on the right near the harbor", ["on the right", "near the harbor"], ["ship", "harbor"]),
        .init("the baseball field in the lower right corner", ["in the lower right"], ["baseball", "field"]),
        .init("the overpass above the expressway service area", ["above the expressway"],
              ["overpass", "expressway", "service", "area"]),
        .init("the dam in the center of the picture", ["in the center"], ["dam"]),
        .init("the basketball court between the two tennis courts", [], ["basketball", "court", "tennis", "courts"]),
        .init("the train station close to the stadium", [], ["train", "station", "stadium"]),
        .init("a bridge over the river at the bottom", ["over the river", "at the bottom"], ["bridge"]),
        .init("airplane at the upper left corner of the airport", ["at the upper left"], ["airplane", "airport"]),
        .init("among the vehicles", [], ["vehicles"]),
        // "with" is IN, so "with a red roof" is a chunk, but "roof" contains the letters "of": dropped, as the
        // official substring test drops it.
        .init("the van with a red roof", [], ["van"], list: "refsegrs"),
        .init("the van with a red car", ["with a red car"], ["van", "car"], list: "refsegrs"),
        .init("the tennis court that is on the far right", ["on the far right"], ["tennis", "court"], list: "synthetic"),
        .init("the chimney beside the ground track field", ["beside the ground"],
              ["chimney", "ground", "track", "field"], list: "synthetic"),
    ]

    @Test(arguments: officialCases)
    func decouplesWithTheOfficialGrammar(_ c: DecouplingCase) {
        let r = PhraseDecoupler(classList: c.classList).decouple(c.text)
        #expect(r.phraseTexts == c.phrases)
        #expect(r.objectWords == c.objects)
        if c.phrases.isEmpty { #expect(r.positionMask == [Bool](repeating: true, count: r.words.count)) }
    }

    /// Official: no category word → an empty object mask (the object branch gathers zero), while a missing
    /// position phrase still falls back to the whole expression.
    @Test func officialGrammarLeavesTheObjectMaskEmpty() {
        let r = PhraseDecoupler(classList: ClassLists.rrsisD).decouple("something shiny on the left")
        #expect(r.objectMask == [false, false, false, false, false])
        #expect(r.positionMask == [false, false, true, true, true])
        let none = PhraseDecoupler(classList: ClassLists.rrsisD).decouple("something shiny")
        #expect(none.objectMask == [false, false] && none.positionMask == [true, true])
    }

    @Test func rephrasingADatasetSwitchesOnlyThePhraseMasks() throws {
        let samples = [RRSISSample(id: "a", image: PixelImage(width: 4, height: 4, channels: 3, pixels: [UInt8](repeating: 9, count: 48)),
                                   mask: [UInt8](repeating: 0, count: 16), expression: "the vehicle next to the bridge",
                                   split: .train, tags: SampleTags())]
        let vocabulary = Vocabulary(building: samples.map(\.expression))
        let official = try PreparedDataset(samples: samples, vocabulary: vocabulary,
                                           decoupler: PhraseDecoupler(classList: ClassLists.rrsisD), maxLength: 8)
        let lexicon = official.rephrased(.lexicon)
        //                                  the vehicle next to the bridge <pad> <pad>
        #expect(official.positionMask == [1, 1, 1, 1, 1, 1, 0, 0])
        #expect(lexicon.positionMask == [0, 0, 1, 1, 1, 1, 0, 0])
        #expect(lexicon.objectMask == official.objectMask && lexicon.tokenIDs == official.tokenIDs)
        #expect(lexicon.rephrased(.official).positionMask == official.positionMask)
    }

    @Test func classListsHaveTheDatasetsSizes() {
        #expect(ClassLists.rrsisD.classes.count == 20)
        #expect(ClassLists.refSegRS.classes.count == 14)
        #expect(ClassLists.synthetic.classes.count == SyntheticCategory.allCases.count)
        #expect(ClassLists.refSegRS.firstMatch(in: "low vegetation near the road") == "low vegetation")
        #expect(ClassLists.rrsisD.firstMatch(in: "nothing here") == nil)
    }
}
