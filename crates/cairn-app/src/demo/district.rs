//! The school district: two departments whose micro-credentials share the
//! district's rubric and evidence requirement templates, so criteria mean
//! the same everywhere.

use super::{Cast, CriterionText, DemoOrganization, RequirementText, Spec, four_level_rubric};
use crate::organizations::{DepartmentFields, NewOrganization};
use crate::{App, AppResult, RequestMeta};
use cairn_domain::DepartmentId;
use cairn_domain::achievement::rubric::{PassingRule, Rubric};
use cairn_domain::organization::OrganizationProfileInput;
use cairn_domain::role::Role;
use cairn_media::design::{Border, BorderWidth, Colour, Design, Icon, Shape};
use cairn_store::achievements::SourcedRequirement;
use cairn_store::templates::{Template, TemplateBody};

const SLUG: &str = "meadowlark-usd";
const NAME: &str = "Meadowlark Unified School District";

const SHARED_RUBRIC: &[CriterionText] = &[
    (
        "Alignment to the competency",
        "The evidence shows the specific practice the micro-credential names.",
        [
            "The evidence shows a different practice, or none.",
            "The practice appears, but parts of it are missing.",
            "The evidence shows every part of the practice.",
            "The evidence shows the practice across different lessons or groups of students.",
        ],
    ),
    (
        "Quality of classroom evidence",
        "The evidence is authentic, complete and easy to follow.",
        [
            "Evidence is missing or cannot be followed.",
            "Evidence is partial, or staged for the camera.",
            "Evidence is authentic, complete and annotated.",
            "Evidence is annotated so well that a colleague could learn the practice from it.",
        ],
    ),
    (
        "Impact on student learning",
        "Student work or data shows the practice made a difference.",
        [
            "No student evidence.",
            "Student evidence without analysis.",
            "Student evidence analysed against a clear goal.",
            "Student evidence shows growth for students with different needs.",
        ],
    ),
    (
        "Reflection and next steps",
        "What the educator learned and will do next.",
        [
            "No reflection.",
            "Describes what happened.",
            "Explains what worked, what did not, and why.",
            "Sets specific next steps and shares them with a team.",
        ],
    ),
];

const VIDEO: RequirementText = RequirementText {
    prompt: "A 10 to 15 minute classroom video of the practice, with a written reflection",
    guidance: "Record a typical lesson, not a showcase. In the reflection, point to the moments in the video where the practice is visible and say what you would change. Mark the video as showing students; it is never made public without every family's consent.",
    kinds: &["video", "link", "reflection"],
    min_count: 2,
    checklist: &[
        "Consent is on file for every student who can be seen or heard",
        "Time stamps point to where the practice is visible",
        "The reflection says what you would change next time",
    ],
};

const STUDENT_WORK: RequirementText = RequirementText {
    prompt: "Student work from before and after, with your analysis",
    guidance: "Choose work from at least two students with different needs, for example a student with an IEP and an English learner. Remove names and ID numbers.",
    kinds: &["document", "image", "file"],
    min_count: 3,
    checklist: &[
        "Names and ID numbers removed",
        "Samples from at least two students with different needs",
        "The analysis connects the change in the work to the practice",
    ],
};

/// One of the district's micro-credentials.
#[derive(Clone, Copy, Debug)]
struct Practice {
    slug: &'static str,
    title: &'static str,
    /// 0: Special Education, 1: Secondary Literacy.
    department: usize,
    summary: &'static str,
    competency: &'static str,
    method: &'static str,
    criteria: &'static str,
    instructions: &'static str,
    tags: &'static str,
    alignments: &'static [(&'static str, &'static str, &'static str, &'static str)],
    icon: Icon,
}

const HLP: &str = "https://highleveragepractices.org/";
const HLP_NAME: &str = "High-Leverage Practices for Students with Disabilities (CEC & CEEDAR)";
const INSTRUCTIONS: &str = "1. Read the competency and the rubric with your instructional coach, and plan a lesson in which you will use the practice.\n2. Teach and record the lesson, then write your reflection (the classroom video requirement).\n3. Collect work from before and after for at least two students with different needs, and write your analysis (the student work requirement).\n4. Talk the evidence over with your coach in the comments, and tick off each checklist.\n5. Select Request feedback. A district reviewer scores your evidence with the district rubric; you need Meets on every criterion.";

const PRACTICES: [Practice; 4] = [
    Practice {
        slug: "explicit-instruction-think-alouds",
        title: "Explicit Instruction: Modeling with Think-Alouds",
        department: 0,
        summary: "Model a skill or strategy out loud, step by step, then guide students until they can do it on their own.",
        competency: "The educator models a skill or strategy explicitly, thinking aloud at each step, then moves students from guided practice to independent practice with corrective feedback.",
        method: "Archer, A. L., & Hughes, C. A. (2011). Explicit Instruction: Effective and Efficient Teaching. Guilford Press. Explicit instruction is one of the high-leverage practices for students with disabilities (HLP 16).",
        criteria: "States the goal of the lesson and connects it to what students already know.\nModels the skill with a clear think-aloud, including how to decide what to do next.\nGuides practice with prompts that fade, checks every student's understanding, and corrects errors at once.\nStudents practise on their own and reach the goal of the lesson.",
        instructions: INSTRUCTIONS,
        tags: "special education, explicit instruction, high-leverage practices, think-aloud",
        alignments: &[
            ("Use explicit instruction", HLP, HLP_NAME, "HLP 16"),
            (
                "Curriculum, Assessment, and Instruction",
                "https://learningforward.org/standards-for-professional-learning/",
                "Learning Forward Standards for Professional Learning (2022)",
                "",
            ),
        ],
        icon: Icon::SpeechBubble,
    },
    Practice {
        slug: "feedback-that-guides-learning",
        title: "Feedback that Guides Learning",
        department: 0,
        summary: "Give students feedback that is specific, timely and tied to the goal, and make time for them to use it.",
        competency: "The educator gives students positive and constructive feedback that is specific, timely and tied to the learning goal, and students act on it.",
        method: "Hattie, J., & Timperley, H. (2007). The power of feedback. Review of Educational Research, 77(1), 81–112. Positive and constructive feedback is one of the high-leverage practices for students with disabilities (HLP 22).",
        criteria: "Feedback names what the student did well and what to do next, in terms of the goal.\nFeedback comes while students can still use it.\nStudents have time in class to act on the feedback, and their work improves.",
        instructions: INSTRUCTIONS,
        tags: "special education, feedback, high-leverage practices, formative assessment",
        alignments: &[(
            "Provide positive and constructive feedback to guide students' learning and behavior",
            HLP,
            HLP_NAME,
            "HLP 22",
        )],
        icon: Icon::Check,
    },
    Practice {
        slug: "close-reading-complex-texts",
        title: "Close Reading of Complex Texts",
        department: 1,
        summary: "Lead students through rereading a short, complex text with questions that can only be answered from the text.",
        competency: "The educator plans and leads close reading of a complex text: students reread it with text-dependent questions and build an understanding of it they can support with evidence.",
        method: "Close reading asks students to reread a short, complex passage several times, with questions that move from what the text says to how it works and what it means (Fisher, D., & Frey, N. (2012). Close reading in elementary schools. The Reading Teacher, 66(3), 179–188). Appendix A of the Common Core State Standards explains what makes a text complex.",
        criteria: "Chooses a short passage worth rereading and explains what makes it complex.\nPoses text-dependent questions that move from what the text says to how it works and what it means.\nStudents cite evidence from the text in discussion and in writing.",
        instructions: INSTRUCTIONS,
        tags: "secondary literacy, close reading, text complexity, disciplinary literacy",
        alignments: &[
            (
                "Read closely to determine what the text says explicitly and to make logical inferences from it; cite specific textual evidence",
                "https://www.thecorestandards.org/ELA-Literacy/CCRA/R/1/",
                "Common Core State Standards for English Language Arts",
                "CCSS.ELA-LITERACY.CCRA.R.1",
            ),
            (
                "Read and comprehend complex literary and informational texts independently and proficiently",
                "https://www.thecorestandards.org/ELA-Literacy/CCRA/R/10/",
                "Common Core State Standards for English Language Arts",
                "CCSS.ELA-LITERACY.CCRA.R.10",
            ),
        ],
        icon: Icon::Book,
    },
    Practice {
        slug: "academic-vocabulary",
        title: "Academic Vocabulary Instruction",
        department: 1,
        summary: "Teach the academic words a text demands so that students use them in their own speaking and writing.",
        competency: "The educator selects the academic words a text demands, teaches them with student-friendly explanations and repeated, varied use, and students use the words accurately in their own speaking and writing.",
        method: "Beck, I. L., McKeown, M. G., & Kucan, L. (2013). Bringing Words to Life: Robust Vocabulary Instruction (2nd ed.). Guilford Press.",
        criteria: "Selects words that matter across texts and subjects, and those central to the unit.\nExplains each word in student-friendly language, with examples and non-examples.\nGives students repeated, varied chances to use the words over several weeks.\nStudents use the words accurately in discussion and in writing.",
        instructions: INSTRUCTIONS,
        tags: "secondary literacy, vocabulary, academic language, English learners",
        alignments: &[(
            "Acquire and use accurately general academic and domain-specific words and phrases",
            "https://www.thecorestandards.org/ELA-Literacy/L/9-10/6/",
            "Common Core State Standards for English Language Arts",
            "CCSS.ELA-LITERACY.L.9-10.6",
        )],
        icon: Icon::Lightbulb,
    },
];

/// Department names, slugs, descriptions, badge colours and ribbons.
const DEPARTMENTS: [(&str, &str, &str, Colour, &str); 2] = [
    (
        "Special Education",
        "special-education",
        "Special education teachers, paraprofessionals and related-service staff: micro-credentials on the high-leverage practices.",
        Colour::rgb(0x2e, 0x6b, 0x3a),
        "Special Education",
    ),
    (
        "Secondary Literacy",
        "secondary-literacy",
        "Reading and writing across the content areas in grades 6 to 12.",
        Colour::rgb(0xa3, 0x24, 0x5a),
        "Secondary Literacy",
    ),
];

/// The district's shared library, as saved.
struct Library {
    rubric: Template,
    video: Template,
    student_work: Template,
}

impl Library {
    fn rubric(&self) -> AppResult<Rubric> {
        match &self.rubric.body {
            TemplateBody::Rubric(r) => Ok(r.clone()),
            TemplateBody::Requirement(_) => Err(crate::AppError::Internal(anyhow::anyhow!(
                "the district's rubric template holds a requirement"
            ))),
        }
    }

    fn requirements(&self) -> AppResult<Vec<SourcedRequirement>> {
        [&self.video, &self.student_work]
            .into_iter()
            .map(|t| match &t.body {
                TemplateBody::Requirement(r) => Ok(SourcedRequirement {
                    requirement: r.clone(),
                    template_id: Some(t.id),
                }),
                TemplateBody::Rubric(_) => Err(crate::AppError::Internal(anyhow::anyhow!(
                    "a requirement template of the district holds a rubric"
                ))),
            })
            .collect()
    }
}

/// Loads the district: departments, members, the shared templates and a
/// micro-credential pair per department built from them.
pub(super) async fn load(
    app: &App,
    cast: &Cast,
    meta: &RequestMeta,
) -> AppResult<DemoOrganization> {
    let admin = &cast.dana;
    let org = app
        .create_organization(
            admin,
            NewOrganization {
                slug: SLUG,
                profile: OrganizationProfileInput {
                    name: NAME,
                    website: "https://www.example.org/meadowlark",
                    contact_email: "professional.learning@demo.cairn.test",
                    description: "A school district of eleven schools that recognizes its teachers' job-embedded learning with micro-credentials. A steering committee keeps one rubric and one set of evidence requirements for every department, so that a Meadowlark micro-credential means the same thing whichever department awards it. Awards carry credit hours toward license renewal.",
                },
            },
            meta,
        )
        .await?;
    for (person, roles) in [
        (admin, &[Role::Author][..]),
        (&cast.priya, &[Role::Author][..]),
        (&cast.riley, &[Role::Reviewer][..]),
        (&cast.casey, &[Role::Coach][..]),
        (&cast.lena, &[][..]),
    ] {
        app.add_demo_member(admin, SLUG, person, roles, meta)
            .await?;
    }
    let mut departments: Vec<DepartmentId> = Vec::new();
    let mut department_names = Vec::new();
    for (name, slug, description, _, _) in DEPARTMENTS {
        let department = app
            .add_department(
                admin,
                SLUG,
                DepartmentFields {
                    name,
                    slug,
                    description,
                },
                meta,
            )
            .await?;
        departments.push(department.id);
        department_names.push(department.name);
    }
    let library = save_library(app, cast, meta).await?;
    let author = &cast.priya;
    let mut achievements = 0;
    for practice in &PRACTICES {
        let (_, _, _, fill, ribbon) = DEPARTMENTS[practice.department];
        let spec = Spec {
            slug: practice.slug.to_owned(),
            title: practice.title.to_owned(),
            summary: practice.summary.to_owned(),
            competency: practice.competency.to_owned(),
            method: practice.method.to_owned(),
            description: format!(
                "{}\n\nThis micro-credential of the {} department uses the district's shared rubric and evidence requirements, so it means the same as every other Meadowlark micro-credential. Your instructional coach can help you plan the lesson and choose the student work.",
                practice.summary, DEPARTMENTS[practice.department].0
            ),
            criteria: practice.criteria.to_owned(),
            instructions: practice.instructions.to_owned(),
            tags: practice.tags.to_owned(),
            alignments: practice.alignments.to_vec(),
            credit_hours: "3",
            valid_months: "60",
            price: "0",
            sponsorable: false,
            requires_confirmation: false,
            department: departments.get(practice.department).copied(),
            level: None,
            rubric: library.rubric()?,
            rubric_template: Some(library.rubric.id),
            requirements: library.requirements()?,
            design: Design {
                shape: Shape::RoundedSquare,
                fill,
                accent: Colour::rgb(0xe9, 0xdc, 0xc0),
                border: Border {
                    width: BorderWidth::Thin,
                    colour: Colour::rgb(0xe9, 0xdc, 0xc0),
                },
                icon: practice.icon,
                title: practice.title.to_owned(),
                ribbon: Some(ribbon.to_owned()),
            },
        };
        app.add_demo_achievement(author, SLUG, spec, meta).await?;
        achievements += 1;
    }
    Ok(DemoOrganization {
        name: org.name,
        slug: org.slug,
        highlight: "one rubric template and two requirement templates shared by the Special Education and Secondary Literacy departments".to_owned(),
        departments: department_names,
        levels: Vec::new(),
        achievements,
        templates: 3,
        stacks: Vec::new(),
    })
}

async fn save_library(app: &App, cast: &Cast, meta: &RequestMeta) -> AppResult<Library> {
    let admin = &cast.dana;
    let rubric = four_level_rubric(
        ["Not Yet", "Approaching", "Meets", "Exceeds"],
        SHARED_RUBRIC,
        PassingRule::AllAtLeast { level: 2 },
        str::to_owned,
    )?;
    let rubric = app
        .save_template(
            admin,
            SLUG,
            None,
            "District micro-credential rubric",
            "The steering committee's rubric for every department: Meets on every criterion earns the micro-credential.",
            TemplateBody::Rubric(rubric),
            meta,
        )
        .await?;
    let video = app
        .save_template(
            admin,
            SLUG,
            None,
            "Classroom video with reflection",
            "The district's standard classroom evidence, with the consent rule for students on camera.",
            TemplateBody::Requirement(VIDEO.build(str::to_owned)?),
            meta,
        )
        .await?;
    let student_work = app
        .save_template(
            admin,
            SLUG,
            None,
            "Student work samples with analysis",
            "Before-and-after student work from students with different needs, names removed.",
            TemplateBody::Requirement(STUDENT_WORK.build(str::to_owned)?),
            meta,
        )
        .await?;
    Ok(Library {
        rubric,
        video,
        student_work,
    })
}
