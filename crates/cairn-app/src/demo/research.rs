//! The university research center: three strategies and routines, each on
//! a five-level ladder from professional learning to leading the
//! preparation of new professional developers.

use super::{Cast, CriterionText, DemoOrganization, RequirementText, Spec, four_level_rubric, own};
use crate::library::StackForm;
use crate::organizations::{DepartmentFields, NewOrganization};
use crate::{App, AppResult, RequestMeta};
use cairn_domain::achievement::prerequisite::Prerequisite;
use cairn_domain::achievement::rubric::PassingRule;
use cairn_domain::organization::OrganizationProfileInput;
use cairn_domain::role::Role;
use cairn_media::design::{Border, BorderWidth, Colour, Design, Icon, Shape};

const SLUG: &str = "lawrence-crl";
const NAME: &str = "Lawrence Center for Research on Learning";

const LEARNING_FORWARD: &str = "https://learningforward.org/standards-for-professional-learning/";
const LEARNING_FORWARD_NAME: &str = "Learning Forward Standards for Professional Learning (2022)";

/// A learning strategy or content enhancement routine.
#[derive(Clone, Copy, Debug)]
struct Tool {
    slug: &'static str,
    name: &'static str,
    /// "strategy" or "routine", as the texts call it.
    kind: &'static str,
    /// 0: Learning Strategies, 1: Content Enhancement.
    department: usize,
    what: &'static str,
    steps: &'static str,
    sequence: &'static str,
    mastery: &'static str,
    basis: &'static str,
    tags: &'static str,
    /// A content standard students' use of it serves.
    standard: (&'static str, &'static str, &'static str, &'static str),
    /// The teaching practice it puts into action.
    practice: (&'static str, &'static str, &'static str, &'static str),
    shape: Shape,
    fill: Colour,
    accent: Colour,
    icon: Icon,
}

const HLP_14: (&str, &str, &str, &str) = (
    "Teach cognitive and metacognitive strategies to support learning and independence",
    "https://highleveragepractices.org/",
    "High-Leverage Practices for Students with Disabilities (CEC & CEEDAR)",
    "HLP 14",
);

const TOOLS: [Tool; 3] = [
    Tool {
        slug: "paraphrasing",
        name: "Paraphrasing Strategy",
        kind: "strategy",
        department: 0,
        what: "The Paraphrasing Strategy is a reading comprehension strategy: students read a paragraph, ask themselves what its main idea and details are, and put them into their own words. Saying a paragraph back in their own words makes students think about what they read, and helps them remember it.",
        steps: "RAP: Read a paragraph; Ask yourself, “What are the main idea and details in this paragraph?”; Put the main idea and details into your own words",
        sequence: "the eight instructional stages (pretest and make commitments, describe, model, verbal practice, controlled practice and feedback, advanced practice and feedback, posttest and make commitments, generalization)",
        mastery: "students paraphrase the main idea and at least two details in most paragraphs of a passage written at their grade level",
        basis: "Schumaker, J. B., Denton, P. H., & Deshler, D. D. (1984). The Paraphrasing Strategy. Lawrence, KS: University of Kansas. In the validation studies, adolescents with learning disabilities who learned the strategy through the full instructional sequence answered more comprehension questions correctly on grade-level passages.",
        tags: "strategic instruction, learning strategies, paraphrasing, reading comprehension, adolescent literacy",
        standard: (
            "Determine the central ideas or conclusions of a text; provide an accurate summary of the text distinct from prior knowledge or opinions",
            "https://www.thecorestandards.org/ELA-Literacy/RST/6-8/2/",
            "Common Core State Standards for Literacy in Science and Technical Subjects",
            "CCSS.ELA-LITERACY.RST.6-8.2",
        ),
        practice: HLP_14,
        shape: Shape::Circle,
        fill: Colour::rgb(0x1f, 0x6f, 0x9f),
        accent: Colour::rgb(0xe8, 0xb3, 0x3a),
        icon: Icon::Book,
    },
    Tool {
        slug: "sentence-writing",
        name: "Sentence Writing Strategy",
        kind: "strategy",
        department: 0,
        what: "The Sentence Writing Strategy teaches students to write complete sentences of four kinds (simple, compound, complex and compound-complex) from a small set of sentence formulas, so that they can express the relationships between their ideas in their own writing.",
        steps: "PENS: Pick a formula; Explore words to fit the formula; Note the words; Search and check",
        sequence: "the eight instructional stages (pretest and make commitments, describe, model, verbal practice, controlled practice and feedback, advanced practice and feedback, posttest and make commitments, generalization)",
        mastery: "students write complete, correctly punctuated sentences of all four kinds in paragraphs of their own",
        basis: "Schumaker, J. B., & Sheldon, J. (1985). The Sentence Writing Strategy. Lawrence, KS: University of Kansas. In the validation studies, students who had written mostly simple or incomplete sentences wrote a greater variety of complete sentences in their assignments after learning the strategy.",
        tags: "strategic instruction, learning strategies, sentence writing, written expression, adolescent literacy",
        standard: (
            "Choose among simple, compound, complex, and compound-complex sentences to signal differing relationships among ideas",
            "https://www.thecorestandards.org/ELA-Literacy/L/7/1/b/",
            "Common Core State Standards for English Language Arts",
            "CCSS.ELA-LITERACY.L.7.1.B",
        ),
        practice: HLP_14,
        shape: Shape::Shield,
        fill: Colour::rgb(0x6a, 0x3d, 0x8f),
        accent: Colour::rgb(0xe9, 0xdc, 0xc0),
        icon: Icon::Pencil,
    },
    Tool {
        slug: "unit-organizer",
        name: "Unit Organizer Routine",
        kind: "routine",
        department: 1,
        what: "The Unit Organizer Routine is a content enhancement routine: the teacher builds a one-page graphic organizer of a unit with the class (the unit's place in the course, a map of its parts, the relationships between them, self-test questions and a schedule) and returns to it throughout the unit, so that every student in an academically diverse class sees how the content fits together.",
        steps: "introduce the organizer, build the unit map and relationships with the class, pose the self-test questions, and revisit and extend the organizer as the unit unfolds",
        sequence: "the Cue–Do–Review sequence: cue students that the organizer is being used and why, co-construct it with them, and review what it shows at the end of each lesson",
        mastery: "students state the unit's big idea, explain how its parts relate and answer the unit's self-test questions",
        basis: "Lenz, B. K., Bulgren, J. A., Schumaker, J. B., Deshler, D. D., & Boudah, D. A. (1994). The Unit Organizer Routine. Lawrence, KS: Edge Enterprises. In the research, students whose teachers used the routine consistently, including students with learning disabilities, scored higher on unit tests.",
        tags: "strategic instruction, content enhancement, unit organizer, planning, graphic organizers",
        standard: (
            "Describe how a text presents information (e.g., sequentially, comparatively, causally)",
            "https://www.thecorestandards.org/ELA-Literacy/RH/6-8/5/",
            "Common Core State Standards for Literacy in History/Social Studies",
            "CCSS.ELA-LITERACY.RH.6-8.5",
        ),
        practice: (
            "Planning for Instruction",
            "https://ccsso.org/resource-library/intasc-model-core-teaching-standards-and-learning-progressions-teachers-10",
            "InTASC Model Core Teaching Standards",
            "Standard 7",
        ),
        shape: Shape::Hexagon,
        fill: Colour::rgb(0x0f, 0x7c, 0x74),
        accent: Colour::rgb(0xe8, 0xb3, 0x3a),
        icon: Icon::Compass,
    },
];

/// One level of the ladder, with texts that name the tool through
/// placeholders: {tool}, {kind}, {steps}, {sequence}, {mastery}.
#[derive(Clone, Copy, Debug)]
struct Rung {
    name: &'static str,
    slug: &'static str,
    ribbon: &'static str,
    tag: &'static str,
    summary: &'static str,
    competency: &'static str,
    method: &'static str,
    meaning: &'static str,
    criteria: &'static str,
    instructions: &'static str,
    requirements: [RequirementText; 2],
    rubric: &'static [CriterionText],
    /// The Learning Forward standard it serves.
    standard: &'static str,
    /// Whether the tool's content standard and practice apply (they do
    /// for levels about teaching students).
    classroom: bool,
    /// Another alignment, for the levels about leading others.
    leadership: Option<(&'static str, &'static str, &'static str, &'static str)>,
    credit_hours: &'static str,
    price: &'static str,
    confirmation: bool,
}

const RUBRIC_LEVELS: [&str; 4] = ["Beginning", "Developing", "Proficient", "Exemplary"];

const LADDER: [Rung; 5] = [
    Rung {
        name: "Professional Learning",
        slug: "professional-learning",
        ribbon: "Level 1 · Learning",
        tag: "professional learning",
        summary: "For educators who have completed professional learning on the {tool} with a certified professional developer and planned how to teach it.",
        competency: "The educator explains the purpose of the {tool}, describes its steps ({steps}) and plans how to bring it to a particular group of students.",
        method: "Professional learning follows the same describe, model and practise sequence teachers later use with students.",
        meaning: "Level 1 recognizes the learning an educator does before teaching the {kind} to students.",
        criteria: "Completed at least six hours of professional learning on the {tool} led by a certified professional developer.\nDescribes the purpose and every step of the {kind} accurately, in their own words.\nHas a dated plan that names the students who will learn the {kind}, why they need it, and a first check-in with a coach.",
        instructions: "1. Attend a professional learning session on the {tool} with a certified professional developer, in person or online.\n2. Invite your professional developer to be your coach on this micro-credential.\n3. Upload your certificate or the session's sign-in record.\n4. Write the reflection described below; your coach can comment on a draft.\n5. When both requirements are checked off, select Request feedback.",
        requirements: [
            RequirementText {
                prompt: "Record of your professional learning on the {tool}",
                guidance: "A certificate of completion, the sign-in sheet, or the confirmation your professional developer sent you.",
                kinds: &["document", "image", "file"],
                min_count: 1,
                checklist: &[
                    "Shows your name and the date of the session",
                    "Names the certified professional developer who led it",
                    "Shows at least six hours of professional learning",
                ],
            },
            RequirementText {
                prompt: "Reflection: why and how you will teach the {tool}",
                guidance: "About a page, written for a colleague who has not heard of the {kind}.",
                kinds: &["reflection", "document"],
                min_count: 1,
                checklist: &[
                    "Names each step of the {kind} in order",
                    "Describes the students who will learn it and the need it answers",
                    "Sets a start date and a first check-in with your coach",
                ],
            },
        ],
        rubric: &[
            (
                "Understanding of the {kind}",
                "Explains what the {kind} is for and how its steps work.",
                [
                    "Names the {kind} but not its steps or purpose.",
                    "Names most steps; the purpose is unclear or partly inaccurate.",
                    "Explains the purpose and every step accurately.",
                    "Explains the purpose, every step and why the steps work, citing the research.",
                ],
            ),
            (
                "Connection to student need",
                "Links the {kind} to the needs of real students.",
                [
                    "No students or need identified.",
                    "Names students but not the need the {kind} meets.",
                    "Names the students and their need, with data or examples.",
                    "Grounds the choice in assessment data and anticipates barriers for particular students.",
                ],
            ),
            (
                "Plan for teaching",
                "A workable plan to begin instruction.",
                [
                    "No plan.",
                    "A plan without dates or support.",
                    "A dated plan with a first check-in with the coach.",
                    "A dated plan that schedules every stage of instruction and how progress will be checked.",
                ],
            ),
        ],
        standard: "Professional Expertise",
        classroom: true,
        leadership: None,
        credit_hours: "6",
        price: "0",
        confirmation: false,
    },
    Rung {
        name: "Fidelity of Implementation",
        slug: "fidelity-of-implementation",
        ribbon: "Level 2 · Fidelity",
        tag: "fidelity of implementation",
        summary: "For educators who have taught the {tool} to students with fidelity, shown by classroom video, a fidelity checklist and student results.",
        competency: "The educator teaches the {tool} to students with fidelity, following {sequence}, and the students make measurable progress toward mastery.",
        method: "Fidelity is judged against the instructional sequence the research validated, with the center's fidelity checklist; student progress is judged against the mastery criteria used in that research.",
        meaning: "Level 2 recognizes teaching the {kind} to students as it was designed, with results.",
        criteria: "Taught the {tool} to at least one group of students through the complete instructional sequence.\nA fidelity checklist, completed by the educator and reviewed with the coach, shows every component delivered as designed.\nStudent results show progress toward mastery: {mastery}.",
        instructions: "1. Earn the Professional Learning micro-credential for the {tool} (you can work on both at once).\n2. Plan instruction with your coach and agree on a lesson to record.\n3. Teach the {kind} following {sequence}.\n4. Record the lesson (10 to 20 minutes is enough) and complete the fidelity checklist for it.\n5. Collect your students' results from the start and the end of instruction.\n6. Upload the evidence, talk it over with your coach, and select Request feedback.",
        requirements: [
            RequirementText {
                prompt: "Video of a lesson in which you teach the {tool}",
                guidance: "Any stage of instruction. Mark the item if students can be seen or heard; it stays private unless every family has consented.",
                kinds: &["video", "link"],
                min_count: 1,
                checklist: &[
                    "The recording is 10 to 20 minutes long and shows your teaching, not only student work",
                    "Students who appear have consent on file, or the item is marked as showing students",
                    "A note with the video names the stage of instruction shown",
                ],
            },
            RequirementText {
                prompt: "Fidelity checklist and student results",
                guidance: "Use the center's fidelity checklist for the {kind}. Remove students' names from the results.",
                kinds: &["document", "file", "image"],
                min_count: 2,
                checklist: &[
                    "Fidelity checklist completed for the recorded lesson",
                    "Results from the start and the end of instruction for the group",
                    "Student names removed or replaced with initials",
                ],
            },
        ],
        rubric: &[
            (
                "Fidelity to the instructional sequence",
                "Each component is delivered as designed.",
                [
                    "Several components are missing or changed.",
                    "Most components are present; some are out of order or cut short.",
                    "Every component is delivered as designed.",
                    "Every component is delivered as designed, and any adaptation keeps the {kind}'s intent and is explained.",
                ],
            ),
            (
                "Modeling and feedback",
                "Explicit modeling, and feedback that is specific and corrective.",
                [
                    "Little modeling; feedback is general praise.",
                    "Models the steps without thinking aloud; feedback is sometimes specific.",
                    "Thinks aloud while modeling; feedback is specific and corrective.",
                    "Models, checks understanding, and gives feedback that moves each student to the next step.",
                ],
            ),
            (
                "Student progress",
                "Student results move toward mastery.",
                [
                    "No student results.",
                    "Results show little change.",
                    "Most students progress toward mastery.",
                    "Most students reach mastery and use the {kind} beyond the lesson.",
                ],
            ),
            (
                "Reflection on implementation",
                "What the educator learned and will change.",
                [
                    "No reflection.",
                    "Describes what happened.",
                    "Explains what worked and what to change, using the evidence.",
                    "Plans changes from the evidence and shares them with colleagues.",
                ],
            ),
        ],
        standard: "Implementation",
        classroom: true,
        leadership: None,
        credit_hours: "10",
        price: "25.00",
        confirmation: true,
    },
    Rung {
        name: "Specialist",
        slug: "specialist",
        ribbon: "Level 3 · Specialist",
        tag: "coaching",
        summary: "For educators who, guided by a professional developer, have taught a colleague the {tool} and coached them to teach it with fidelity.",
        competency: "Under the guidance of a certified professional developer, the educator instructs another teacher in the {tool} and guides that teacher to implement it with fidelity. The educator may then instruct others in the {kind} without the professional developer.",
        method: "Specialists follow a coaching model of professional development: learning in a session is followed by observation and feedback in the colleague's classroom (Joyce, B., & Showers, B. (2002). Student Achievement Through Staff Development. ASCD).",
        meaning: "Level 3 recognizes teaching a colleague to use the {kind} well.",
        criteria: "Holds the Fidelity of Implementation micro-credential for the {tool}.\nPlanned and led instruction in the {kind} for at least one colleague, with the professional developer observing or reviewing a recording.\nCoached the colleague until a fidelity checklist of their teaching showed every component delivered as designed.",
        instructions: "1. Agree with your professional developer on a colleague to work with.\n2. Teach your colleague the {kind}: its purpose, its steps and {sequence}.\n3. Record the session, or have your professional developer observe it.\n4. Coach your colleague through their first weeks of instruction: observe, give feedback and review their fidelity checklist together.\n5. Upload the evidence and select Request feedback; the center confirms the award with your professional developer.",
        requirements: [
            RequirementText {
                prompt: "Materials and a recording of the session in which you taught a colleague the {tool}",
                guidance: "Your agenda, slides and handouts, with a recording or your professional developer's observation notes.",
                kinds: &["document", "video", "link"],
                min_count: 2,
                checklist: &[
                    "The agenda covers the purpose, the steps and the instructional sequence",
                    "A recording, or observation notes from your professional developer",
                    "Your colleague's questions and your answers are noted",
                ],
            },
            RequirementText {
                prompt: "Evidence that your colleague taught the {tool} with fidelity",
                guidance: "Your colleague's completed fidelity checklist, your coaching notes, and their students' results with names removed.",
                kinds: &["document", "file", "video"],
                min_count: 2,
                checklist: &[
                    "Your colleague's fidelity checklist shows every component",
                    "Your notes from at least two coaching conversations",
                    "Your colleague's student results, with names removed",
                ],
            },
        ],
        rubric: &[
            (
                "Accuracy of content",
                "The {kind} is taught to the colleague accurately.",
                [
                    "Steps or sequence taught inaccurately.",
                    "Mostly accurate; some components missing.",
                    "Accurate and complete.",
                    "Accurate and complete, with the research basis made clear.",
                ],
            ),
            (
                "Design for adult learners",
                "The session respects how adults learn.",
                [
                    "Lecture only.",
                    "Some modeling; little practice.",
                    "Models, lets the colleague practise, and gives feedback.",
                    "Builds on the colleague's experience and plans for their own students.",
                ],
            ),
            (
                "Coaching toward fidelity",
                "Follow-up coaching until the colleague teaches with fidelity.",
                [
                    "No follow-up.",
                    "One follow-up, without feedback on fidelity.",
                    "Repeated coaching tied to the fidelity checklist.",
                    "Coaching the colleague describes as changing their practice.",
                ],
            ),
            (
                "The colleague's results",
                "The colleague's students make progress.",
                [
                    "No results.",
                    "Results are incomplete.",
                    "The colleague's students progress toward mastery.",
                    "The colleague's students reach mastery.",
                ],
            ),
        ],
        standard: "Learning Designs",
        classroom: true,
        leadership: None,
        credit_hours: "15",
        price: "50.00",
        confirmation: true,
    },
    Rung {
        name: "Professional Developer",
        slug: "professional-developer",
        ribbon: "Level 4 · Prof. Developer",
        tag: "professional development",
        summary: "For educators who meet the center's requirements to instruct others in the {tool} on their own.",
        competency: "The educator designs and leads professional learning on the {tool} for groups of educators, and supports them afterwards, meeting the center's requirements for professional developers.",
        method: "Professional developers lead sessions with the center's current materials and follow each session with coaching, so that participants reach fidelity in their own classrooms.",
        meaning: "Level 4 recognizes meeting the center's requirements to instruct others in the {kind}.",
        criteria: "Holds the Specialist micro-credential for the {tool}.\nLed a complete professional learning session on the {kind}, without a professional developer present, using the center's current materials.\nCoached at least three participants afterwards; at least one reached fidelity of implementation.\nParticipant feedback shows the session met its goals.",
        instructions: "1. Schedule a professional learning session for at least five educators and tell the center when and where it runs.\n2. Lead the session with the center's current materials.\n3. Collect participant feedback with the center's form.\n4. Coach at least three participants through their first weeks of teaching the {kind}, keeping a log.\n5. Upload the evidence; a reviewer scores it and the center confirms the award with you.",
        requirements: [
            RequirementText {
                prompt: "Agenda, materials and participant feedback from a session you led on the {tool}",
                guidance: "The agenda as you ran it, the list of participants (names only), and the summary of the feedback forms.",
                kinds: &["document", "file", "link"],
                min_count: 2,
                checklist: &[
                    "The session ran at least six hours, with at least five participants",
                    "The center's current materials were used",
                    "A summary of participant feedback is attached",
                ],
            },
            RequirementText {
                prompt: "Your follow-up coaching log",
                guidance: "For each participant: the dates, what you observed, the feedback you gave, and where they stand on fidelity.",
                kinds: &["document", "file"],
                min_count: 1,
                checklist: &[
                    "At least three participants coached",
                    "At least two contacts with each participant",
                    "At least one participant's fidelity checklist attached",
                ],
            },
        ],
        rubric: &[
            (
                "Session design",
                "The session follows the center's sequence, with time to practise.",
                [
                    "The agenda does not follow the center's sequence.",
                    "Follows the sequence with little time to practise.",
                    "Follows the sequence with modeling, practice and feedback.",
                    "Adapts examples and practice to the participants' courses and students.",
                ],
            ),
            (
                "Depth of content",
                "Participants learn how and why the {kind} works.",
                [
                    "Steps only.",
                    "Steps and sequence, with little of the research.",
                    "Steps, sequence and research basis.",
                    "Connects the research to the participants' own data and questions.",
                ],
            ),
            (
                "Follow-up support",
                "Coaching after the session.",
                [
                    "None.",
                    "Occasional, by email only.",
                    "Planned coaching for three or more participants.",
                    "Coaching that brings participants to fidelity.",
                ],
            ),
            (
                "Participant outcomes",
                "What participants do afterwards.",
                [
                    "No feedback collected.",
                    "Mixed feedback; no one has begun teaching the {kind} yet.",
                    "Positive feedback; participants begin teaching the {kind}.",
                    "Participants teach it with fidelity and report their students' progress.",
                ],
            ),
        ],
        standard: "Learning Designs",
        classroom: false,
        leadership: Some((
            "Professional Learning Facilitator",
            "https://iste.org/standards/coaches",
            "ISTE Standards for Coaches",
            "4.5",
        )),
        credit_hours: "30",
        price: "150.00",
        confirmation: true,
    },
    Rung {
        name: "Professional Development Leader",
        slug: "professional-development-leader",
        ribbon: "Level 5 · PD Leader",
        tag: "leadership",
        summary: "For professional developers who lead institutes that prepare new professional developers in the {tool} and mentor apprentices.",
        competency: "The educator leads institutes for potential professional developers in the {tool} and mentors professional developer apprentices until they meet the center's requirements.",
        method: "Leaders keep the {kind} true to its research as it spreads: they prepare new professional developers, observe them lead, and give feedback against the center's standards.",
        meaning: "Level 5 recognizes leading the preparation of new professional developers in the {kind}.",
        criteria: "Holds the Professional Developer micro-credential for the {tool}, and has supported its use for at least two years.\nLed or co-led a potential professional developer institute with the center.\nMentored at least one apprentice through leading a session and its follow-up.\nContributed to the network: a resource, a presentation or a review of materials.",
        instructions: "1. Talk with the center about an upcoming institute you could co-lead.\n2. Plan your part of the institute with the center's staff, and lead it.\n3. Take on an apprentice professional developer and mentor them through their first session and its follow-up.\n4. Share a contribution with the network.\n5. Upload the evidence; the center confirms the award.",
        requirements: [
            RequirementText {
                prompt: "Plan and materials of an institute on the {tool} you led or co-led",
                guidance: "Mark your own sessions in the agenda; add the participants' evaluation summary and your contribution to the network.",
                kinds: &["document", "video", "link"],
                min_count: 2,
                checklist: &[
                    "Your sessions are marked in the institute agenda",
                    "The participants' evaluation summary is attached",
                    "Your contribution to the network (a resource, presentation or review) is attached",
                ],
            },
            RequirementText {
                prompt: "Mentoring record for an apprentice professional developer",
                guidance: "The plan you agreed, your notes from observing the apprentice, and your reflection.",
                kinds: &["document", "reflection", "file"],
                min_count: 2,
                checklist: &[
                    "A mentoring plan agreed with the apprentice",
                    "Notes from observing the apprentice lead a session",
                    "A reflection on the apprentice's growth and next steps",
                ],
            },
        ],
        rubric: &[
            (
                "Institute leadership",
                "Leading sessions that prepare professional developers.",
                [
                    "Assisted without leading a session.",
                    "Led a session with close support from the center.",
                    "Led sessions independently, true to the center's materials.",
                    "Led sessions and improved the institute for later cohorts.",
                ],
            ),
            (
                "Mentoring apprentices",
                "Guiding an apprentice to meet the requirements.",
                [
                    "No mentoring record.",
                    "Mentoring without observation or feedback.",
                    "A planned cycle of observation and feedback.",
                    "The apprentice meets the requirements and credits the mentoring.",
                ],
            ),
            (
                "Keeping the {kind} true to its research",
                "Quality of the {kind} as it spreads.",
                [
                    "Not addressed.",
                    "Corrects errors when they are noticed.",
                    "Checks apprentices' delivery against the fidelity checklist.",
                    "Builds checks of fidelity into the institute and the follow-up.",
                ],
            ),
        ],
        standard: "Leadership",
        classroom: false,
        leadership: Some((
            "Change Agent",
            "https://iste.org/standards/coaches",
            "ISTE Standards for Coaches",
            "4.1",
        )),
        credit_hours: "20",
        price: "150.00",
        confirmation: true,
    },
];

fn fill(text: &str, tool: &Tool) -> String {
    text.replace("{tool}", tool.name)
        .replace("{kind}", tool.kind)
        .replace("{steps}", tool.steps)
        .replace("{sequence}", tool.sequence)
        .replace("{mastery}", tool.mastery)
}

fn design(tool: &Tool, rung: &Rung) -> Design {
    Design {
        shape: tool.shape,
        fill: tool.fill,
        accent: tool.accent,
        border: Border {
            width: BorderWidth::Thick,
            colour: tool.accent,
        },
        icon: tool.icon,
        title: tool.name.to_owned(),
        ribbon: Some(rung.ribbon.to_owned()),
    }
}

fn description(tool: &Tool, rung: &Rung) -> String {
    format!(
        "{}\n\n{} It is one of five levels: Professional Learning, Fidelity of Implementation, Specialist, Professional Developer and Professional Development Leader. Each level is awarded once the level before it is earned; you can collect evidence for several levels at once.",
        tool.what,
        fill(rung.meaning, tool),
    )
}

/// Loads the center: departments, the level scale, the ladder for each
/// tool with prerequisites, and a stack per tool.
pub(super) async fn load(
    app: &App,
    cast: &Cast,
    meta: &RequestMeta,
) -> AppResult<DemoOrganization> {
    let admin = &cast.ada;
    let org = app
        .create_organization(
            admin,
            NewOrganization {
                slug: SLUG,
                profile: OrganizationProfileInput {
                    name: NAME,
                    website: "https://www.example.edu/crl",
                    contact_email: "microcredentials@demo.cairn.test",
                    description: "A university research center that develops and tests learning strategies and content enhancement routines for adolescents, and the professional development that brings them into classrooms. Educators earn its micro-credentials on a five-level ladder, from professional learning to leading the preparation of new professional developers, with a certified professional developer as their coach. Awards from level 2 up are confirmed with the learner's professional developer.",
                },
            },
            meta,
        )
        .await?;
    app.add_demo_member(admin, SLUG, admin, &[Role::Author], meta)
        .await?;
    app.add_demo_member(admin, SLUG, &cast.rosa, &[Role::Reviewer], meta)
        .await?;
    app.add_demo_member(admin, SLUG, &cast.caleb, &[Role::Coach], meta)
        .await?;
    let mut departments = Vec::new();
    for (name, slug, description) in [
        (
            "Learning Strategies",
            "learning-strategies",
            "Strategies students learn to use on their own to read, write, study and remember.",
        ),
        (
            "Content Enhancement",
            "content-enhancement",
            "Routines teachers use to plan and teach critical content so that every student in an academically diverse class learns it.",
        ),
    ] {
        departments.push(
            app.add_department(
                admin,
                SLUG,
                DepartmentFields {
                    name,
                    slug,
                    description,
                },
                meta,
            )
            .await?,
        );
    }
    let rows: Vec<_> = LADDER.iter().map(|r| (None, r.name)).collect();
    let levels = app.set_levels(admin, SLUG, &rows, meta).await?;
    let mut achievements = 0;
    let mut stacks = Vec::new();
    for tool in &TOOLS {
        let mut ladder = Vec::new();
        for (rung, level) in LADDER.iter().zip(&levels) {
            let spec = spec(
                tool,
                rung,
                departments.get(tool.department).map(|d| d.id),
                level.id,
            )?;
            let created = app.add_demo_achievement(admin, SLUG, spec, meta).await?;
            if let Some(previous) = ladder.last() {
                app.set_prerequisites(
                    admin,
                    created.id,
                    Some(Prerequisite::AllOf(vec![*previous])),
                    meta,
                )
                .await?;
            }
            ladder.push(created.id);
            achievements += 1;
        }
        let name = format!("{} Ladder", tool.name);
        let description = format!(
            "The five levels of the {}, from professional learning to leading the preparation of new professional developers. Each level requires the one before it.",
            tool.name
        );
        let stack = app
            .save_stack(
                admin,
                SLUG,
                None,
                StackForm {
                    name: &name,
                    slug: &format!("{}-ladder", tool.slug),
                    description: &description,
                    recognition: "Levels 4 and 5 meet the center's requirements to instruct others in the strategy or routine and to prepare new professional developers.",
                    steps: ladder,
                    capstone: None,
                    published: true,
                },
                meta,
            )
            .await?;
        stacks.push(stack.slug);
    }
    Ok(DemoOrganization {
        name: org.name,
        slug: org.slug,
        highlight: "the five-level ladder for three strategies and routines, each level requiring the one before".to_owned(),
        departments: departments.into_iter().map(|d| d.name).collect(),
        levels: levels.into_iter().map(|l| l.name).collect(),
        achievements,
        templates: 0,
        stacks,
    })
}

fn spec(
    tool: &Tool,
    rung: &Rung,
    department: Option<cairn_domain::DepartmentId>,
    level: cairn_domain::LevelId,
) -> AppResult<Spec> {
    let text = |t: &str| fill(t, tool);
    let mut alignments = vec![(rung.standard, LEARNING_FORWARD, LEARNING_FORWARD_NAME, "")];
    if rung.classroom {
        alignments.push(tool.practice);
        alignments.push(tool.standard);
    }
    alignments.extend(rung.leadership);
    let points = u32::try_from(rung.rubric.len()).unwrap_or(0) * 3;
    Ok(Spec {
        slug: format!("{}-{}", tool.slug, rung.slug),
        title: format!("{}: {}", tool.name, rung.name),
        summary: text(rung.summary),
        competency: text(rung.competency),
        method: format!("{}\n\n{}", tool.basis, text(rung.method)),
        description: description(tool, rung),
        criteria: text(rung.criteria),
        instructions: text(rung.instructions),
        tags: format!("{}, {}", tool.tags, rung.tag),
        alignments,
        credit_hours: rung.credit_hours,
        valid_months: "",
        price: rung.price,
        sponsorable: true,
        requires_confirmation: rung.confirmation,
        department,
        level: Some(level),
        // Pass with no criterion below Developing and, on average, Proficient.
        rubric: four_level_rubric(
            RUBRIC_LEVELS,
            rung.rubric,
            PassingRule::Both { level: 1, points },
            text,
        )?,
        rubric_template: None,
        requirements: rung
            .requirements
            .iter()
            .map(|r| r.build(text).map(own))
            .collect::<AppResult<_>>()?,
        design: design(tool, rung),
    })
}
