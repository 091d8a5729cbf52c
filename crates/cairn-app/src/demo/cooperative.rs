//! The education cooperative: a four-step leadership stack with a paid,
//! sponsorable capstone that a university accepts for graduate credit.

use super::{Cast, CriterionText, DemoOrganization, RequirementText, Spec, four_level_rubric, own};
use crate::library::StackForm;
use crate::organizations::{DepartmentFields, NewOrganization};
use crate::{App, AppResult, RequestMeta};
use cairn_domain::achievement::prerequisite::Prerequisite;
use cairn_domain::achievement::rubric::PassingRule;
use cairn_domain::organization::OrganizationProfileInput;
use cairn_domain::role::Role;
use cairn_media::design::{Border, BorderWidth, Colour, Design, Icon, Shape};

const SLUG: &str = "cottonwood-coop";
const NAME: &str = "Cottonwood River Education Cooperative";
const STACK_SLUG: &str = "instructional-leadership";
const RECOGNITION: &str = "Accepted by Prairie State University for 3 graduate credit hours toward the M.Ed. in Educational Leadership.";

const LEARNING_FORWARD: &str = "https://learningforward.org/standards-for-professional-learning/";
const LEARNING_FORWARD_NAME: &str = "Learning Forward Standards for Professional Learning (2022)";
const ISTE_COACHES: &str = "https://iste.org/standards/coaches";
const PSEL: &str = "https://www.npbea.org/wp-content/uploads/2017/06/Professional-Standards-for-Educational-Leaders_2015.pdf";
const PSEL_NAME: &str = "Professional Standards for Educational Leaders (2015)";

const RUBRIC_LEVELS: [&str; 4] = ["Emerging", "Developing", "Proficient", "Distinguished"];

/// One micro-credential of the pathway.
#[derive(Clone, Copy, Debug)]
struct Step {
    slug: &'static str,
    title: &'static str,
    ribbon: &'static str,
    summary: &'static str,
    competency: &'static str,
    method: &'static str,
    criteria: &'static str,
    instructions: &'static str,
    tags: &'static str,
    alignments: &'static [(&'static str, &'static str, &'static str, &'static str)],
    requirements: [RequirementText; 2],
    rubric: &'static [CriterionText],
    credit_hours: &'static str,
    price: &'static str,
    icon: Icon,
}

const STEPS: [Step; 4] = [
    Step {
        slug: "instructional-coaching-foundations",
        title: "Instructional Coaching Foundations",
        ribbon: "Step 1 · Leadership",
        summary: "Build a coaching partnership with a teacher around a goal for students.",
        competency: "The coach builds a partnership with a teacher, sets a goal for student learning with them, and uses listening and questioning so that the teacher does most of the thinking.",
        method: "Knight, J. (2007). Instructional Coaching: A Partnership Approach to Improving Instruction. Corwin. Killion, J., & Harrison, C. (2017). Taking the Lead: New Roles for Teachers and School-Based Coaches (2nd ed.). Learning Forward.",
        criteria: "Agrees roles, confidentiality and a meeting schedule with the teacher.\nSets a goal with the teacher that is about student learning and can be measured.\nListens, paraphrases and asks open questions, so the teacher does most of the talking and deciding.",
        instructions: "1. Find a teacher who wants to work on a goal for their students.\n2. Agree your roles, what stays confidential, and when you will meet.\n3. Set the goal together and write it down.\n4. Record one coaching conversation, with the teacher's permission, and reflect on it.\n5. Upload both and select Request feedback.",
        tags: "instructional coaching, teacher leadership, partnership, coaching conversations",
        alignments: &[
            (
                "Collaborator",
                ISTE_COACHES,
                "ISTE Standards for Coaches",
                "4.3",
            ),
            (
                "Culture of Collaborative Inquiry",
                LEARNING_FORWARD,
                LEARNING_FORWARD_NAME,
                "",
            ),
        ],
        requirements: [
            RequirementText {
                prompt: "Your coaching agreement and the goal you set with the teacher",
                guidance: "One page is enough. Leave out anything the teacher asked to keep confidential.",
                kinds: &["document"],
                min_count: 1,
                checklist: &[
                    "Roles and confidentiality are stated",
                    "A meeting schedule for at least six weeks",
                    "The goal names the students, the learning and how it will be measured",
                ],
            },
            RequirementText {
                prompt: "A recording of a coaching conversation, with your reflection",
                guidance: "Audio or video, 15 to 30 minutes. Share it privately: only your reviewer and coach can see it.",
                kinds: &["video", "link", "reflection"],
                min_count: 2,
                checklist: &[
                    "The teacher agreed to be recorded",
                    "Time stamps mark where you listened, paraphrased and asked open questions",
                    "The reflection names one thing you would do differently",
                ],
            },
        ],
        rubric: &[
            (
                "Partnership",
                "The teacher is a partner, not a client.",
                [
                    "The coach directs; the teacher complies.",
                    "The teacher is consulted on some decisions.",
                    "Decisions are made together and the agreement is honoured.",
                    "The teacher leads the decisions and asks for the coaching.",
                ],
            ),
            (
                "Goal for students",
                "The goal is about student learning and measurable.",
                [
                    "No goal, or a goal about the teacher only.",
                    "A goal about students that cannot be measured.",
                    "A measurable goal for student learning.",
                    "A measurable goal the teacher owns and can explain to students.",
                ],
            ),
            (
                "Listening and questioning",
                "The coach helps the teacher think.",
                [
                    "The coach does most of the talking.",
                    "Some open questions; advice comes quickly.",
                    "Listens, paraphrases and asks open questions throughout.",
                    "Questions lead the teacher to new insight, in the teacher's words.",
                ],
            ),
        ],
        credit_hours: "10",
        price: "0",
        icon: Icon::SpeechBubble,
    },
    Step {
        slug: "data-driven-coaching-cycles",
        title: "Data-Driven Coaching Cycles",
        ribbon: "Step 2 · Leadership",
        summary: "Lead a full coaching cycle that starts and ends with evidence of student learning.",
        competency: "The coach leads a complete coaching cycle (goal, baseline evidence, instructional strategy, practice with feedback, and evidence of progress) and uses student evidence to decide the next step.",
        method: "Sweeney, D. (2011). Student-Centered Coaching: A Guide for K–8 Coaches and Principals. Corwin.",
        criteria: "Collects baseline evidence of student learning with the teacher before choosing a strategy.\nChooses an instructional strategy with the teacher that fits the evidence.\nObserves or co-teaches and gives feedback at least twice during the cycle.\nCompares the end evidence with the baseline and agrees the next step with the teacher.",
        instructions: "1. Agree a goal for students with a teacher.\n2. Collect and analyse baseline student work together.\n3. Choose a strategy, then co-plan, co-teach or observe at least twice over four to six weeks.\n4. Collect the same kind of evidence at the end and compare.\n5. Upload the cycle's record and your data summary, and select Request feedback.",
        tags: "instructional coaching, coaching cycles, data literacy, student-centered coaching",
        alignments: &[
            (
                "Data-Driven Decision-Maker",
                ISTE_COACHES,
                "ISTE Standards for Coaches",
                "4.6",
            ),
            ("Evidence", LEARNING_FORWARD, LEARNING_FORWARD_NAME, ""),
        ],
        requirements: [
            RequirementText {
                prompt: "The record of one complete coaching cycle",
                guidance: "Your planning notes, observation notes and the feedback you gave, in order.",
                kinds: &["document", "file"],
                min_count: 2,
                checklist: &[
                    "The goal and the baseline evidence",
                    "Notes from at least two observations or co-taught lessons",
                    "The next step agreed at the end of the cycle",
                ],
            },
            RequirementText {
                prompt: "A summary of student evidence from the start and the end of the cycle",
                guidance: "A table or chart is fine. Remove students' names.",
                kinds: &["document", "image", "file"],
                min_count: 1,
                checklist: &[
                    "The same measure at the start and the end",
                    "Student names removed",
                    "A sentence on what the change means for the next cycle",
                ],
            },
        ],
        rubric: &[
            (
                "Use of baseline evidence",
                "The cycle starts from student evidence.",
                [
                    "No baseline.",
                    "A baseline that does not match the goal.",
                    "A baseline that matches the goal, analysed with the teacher.",
                    "The teacher uses the analysis to set targets for groups of students.",
                ],
            ),
            (
                "Strategy and support",
                "The strategy fits the evidence and the support is planned.",
                [
                    "A strategy chosen without reference to the evidence.",
                    "A reasonable strategy with little support.",
                    "A strategy that fits the evidence, with planned co-teaching or observation.",
                    "Support adjusted during the cycle as the evidence comes in.",
                ],
            ),
            (
                "Feedback",
                "Feedback to the teacher during the cycle.",
                [
                    "None.",
                    "General encouragement.",
                    "Specific feedback tied to the goal, at least twice.",
                    "Feedback the teacher uses at once, visible in the next lesson.",
                ],
            ),
            (
                "Measuring progress",
                "The end of the cycle compares evidence and sets the next step.",
                [
                    "No end evidence.",
                    "End evidence not comparable with the baseline.",
                    "Comparable evidence and an agreed next step.",
                    "Comparable evidence shared with the teacher's team.",
                ],
            ),
        ],
        credit_hours: "12",
        price: "0",
        icon: Icon::Chart,
    },
    Step {
        slug: "facilitating-professional-learning-communities",
        title: "Facilitating Professional Learning Communities",
        ribbon: "Step 3 · Leadership",
        summary: "Facilitate a team of teachers through the work of a professional learning community.",
        competency: "The educator facilitates a professional learning community through the four critical questions: what students should learn, how the team will know they learned it, how it will respond when they have not, and how it will extend the learning of those who have.",
        method: "DuFour, R., DuFour, R., Eaker, R., Many, T. W., & Mattos, M. (2016). Learning by Doing: A Handbook for Professional Learning Communities at Work (3rd ed.). Solution Tree.",
        criteria: "The team agrees norms and a shared goal for student learning.\nMeetings use common assessments and student work to answer the four critical questions.\nThe team plans and carries out a response for students who have not learned and those who have.\nThe facilitator shares the leading of meetings with team members over time.",
        instructions: "1. Work with a team of teachers who share students or a course.\n2. Facilitate the team in agreeing norms and a goal.\n3. Facilitate at least four meetings over a grading period, using common assessments.\n4. Keep agendas and notes, and record one meeting with the team's permission.\n5. Upload the evidence and select Request feedback.",
        tags: "professional learning communities, facilitation, collaboration, common assessments",
        alignments: &[
            (
                "Professional Learning Facilitator",
                ISTE_COACHES,
                "ISTE Standards for Coaches",
                "4.5",
            ),
            (
                "Culture of Collaborative Inquiry",
                LEARNING_FORWARD,
                LEARNING_FORWARD_NAME,
                "",
            ),
        ],
        requirements: [
            RequirementText {
                prompt: "Agendas and notes from at least four team meetings",
                guidance: "Include the team's norms and the common assessment data the team looked at.",
                kinds: &["document", "file", "link"],
                min_count: 4,
                checklist: &[
                    "The team's norms and goal",
                    "Common assessment data discussed in at least two meetings",
                    "The response planned for students who did and did not learn",
                ],
            },
            RequirementText {
                prompt: "A recording of one meeting you facilitated, with your reflection",
                guidance: "Twenty minutes of the meeting is enough. Say in the reflection how you would move the team toward leading its own meetings.",
                kinds: &["video", "link", "reflection"],
                min_count: 2,
                checklist: &[
                    "Every team member agreed to be recorded",
                    "The reflection names a moment when the team's thinking moved",
                    "A plan for sharing facilitation with team members",
                ],
            },
        ],
        rubric: &[
            (
                "Norms and focus",
                "The team works to agreed norms on student learning.",
                [
                    "No norms; meetings drift to logistics.",
                    "Norms exist but are not used.",
                    "Norms are used and meetings stay on student learning.",
                    "The team holds itself to its norms without prompting.",
                ],
            ),
            (
                "Use of evidence",
                "Common assessments and student work drive decisions.",
                [
                    "No student evidence.",
                    "Evidence is shared but not discussed.",
                    "Evidence is analysed to answer the four questions.",
                    "The team plans instruction from the analysis and checks the result.",
                ],
            ),
            (
                "Response to learning",
                "What the team does for students who have and have not learned.",
                [
                    "No response planned.",
                    "A response for some students.",
                    "A planned response for those who have not learned and those who have.",
                    "The response is carried out and its effect checked.",
                ],
            ),
            (
                "Shared leadership",
                "Facilitation moves to the team.",
                [
                    "The facilitator runs every part.",
                    "Team members take on tasks.",
                    "Team members lead parts of meetings.",
                    "The team runs its meetings; the facilitator coaches.",
                ],
            ),
        ],
        credit_hours: "12",
        price: "0",
        icon: Icon::People,
    },
    Step {
        slug: "leading-adult-learning",
        title: "Leading Adult Learning",
        ribbon: "Step 4 · Leadership",
        summary: "Design and lead professional learning that adults can use in their classrooms the next day.",
        competency: "The educator designs and leads professional learning grounded in how adults learn: it starts from participants' experience and needs, models the practice, gives time to practise with feedback, and plans follow-up in classrooms.",
        method: "Knowles, M. S., Holton, E. F., & Swanson, R. A. (2015). The Adult Learner (8th ed.). Routledge. Learning Forward's Learning Designs standard.",
        criteria: "Plans the session from a needs assessment of the participants.\nModels the practice and gives participants time to practise it with feedback.\nParticipants leave with a plan for using the practice, and the facilitator follows up.\nParticipant feedback and follow-up evidence show the learning was used.",
        instructions: "1. Ask the participants what they need, and plan a session of at least three hours.\n2. Lead the session; record it if the participants agree.\n3. Collect participant feedback at the end.\n4. Follow up with at least three participants within a month.\n5. Upload the evidence and select Request feedback.",
        tags: "adult learning, professional development design, facilitation, teacher leadership",
        alignments: &[
            (
                "Learning Designs",
                LEARNING_FORWARD,
                LEARNING_FORWARD_NAME,
                "",
            ),
            (
                "Professional Capacity of School Personnel",
                PSEL,
                PSEL_NAME,
                "Standard 6",
            ),
        ],
        requirements: [
            RequirementText {
                prompt: "Your session plan, the needs assessment behind it, and your materials",
                guidance: "Show how what participants told you shaped the plan.",
                kinds: &["document", "file", "link"],
                min_count: 2,
                checklist: &[
                    "Needs assessment results",
                    "A plan with time to model, practise and give feedback",
                    "The materials participants used",
                ],
            },
            RequirementText {
                prompt: "Participant feedback and follow-up evidence",
                guidance: "The feedback summary, and notes or artifacts from following up with at least three participants.",
                kinds: &["document", "file", "reflection"],
                min_count: 2,
                checklist: &[
                    "A summary of participant feedback",
                    "Follow-up with at least three participants",
                    "Your reflection on what you would change",
                ],
            },
        ],
        rubric: &[
            (
                "Design for adults",
                "The session starts from participants' experience and needs.",
                [
                    "A presentation chosen without asking participants.",
                    "Participants are asked but the plan does not change.",
                    "The plan answers the needs assessment.",
                    "Participants shape the session as it runs.",
                ],
            ),
            (
                "Modeling and practice",
                "Participants see the practice and try it.",
                [
                    "Talk only.",
                    "The practice is shown but not tried.",
                    "Modeled, practised, with feedback.",
                    "Practice in conditions like participants' own classrooms.",
                ],
            ),
            (
                "Transfer to classrooms",
                "The learning is used afterwards.",
                [
                    "No follow-up.",
                    "Follow-up by email.",
                    "Follow-up with at least three participants.",
                    "Follow-up evidence shows participants using the practice.",
                ],
            ),
        ],
        credit_hours: "15",
        price: "0",
        icon: Icon::Lightbulb,
    },
];

const CAPSTONE: Step = Step {
    slug: "instructional-leadership-capstone",
    title: "Instructional Leadership Capstone",
    ribbon: "Graduate Credit",
    summary: "Lead a semester-long professional learning initiative in your school or district, using everything in the pathway.",
    competency: "The educator leads a professional learning initiative for a school or district over a semester: sets goals from student data, coaches teachers, facilitates teams and leads adult learning, and reports the effect on teaching and on students.",
    method: "The capstone brings together the four micro-credentials of the Instructional Leadership Pathway. Its written report follows the action research cycle used in the partner university's M.Ed. program.",
    criteria: "Holds the four micro-credentials of the Instructional Leadership Pathway.\nPlanned the initiative with the school or district leadership, from student data.\nLed it for at least one semester, combining coaching, team facilitation and professional learning.\nReported its effect on teaching practice and on student learning, and what should happen next.",
    instructions: "1. Earn the four micro-credentials of the pathway (you can start the capstone while finishing the last one).\n2. Agree the initiative with your principal or district leader.\n3. Lead it for a semester, keeping evidence as you go.\n4. Write the report and record a short presentation of it.\n5. Upload both and select Request feedback. A reviewer scores the report; the cooperative confirms the award with your coach, then sends your transcript to Prairie State University if you ask for graduate credit.",
    tags: "instructional leadership, capstone, graduate credit, teacher leadership",
    alignments: &[
        ("Leadership", LEARNING_FORWARD, LEARNING_FORWARD_NAME, ""),
        (
            "Professional Community for Teachers and Staff",
            PSEL,
            PSEL_NAME,
            "Standard 7",
        ),
    ],
    requirements: [
        RequirementText {
            prompt: "The initiative's plan, agreed with your school or district leadership",
            guidance: "The goals, the student data they came from, the timeline, and who signed off.",
            kinds: &["document", "file"],
            min_count: 1,
            checklist: &[
                "Goals drawn from student data",
                "A timeline covering at least one semester",
                "Sign-off from a principal or district leader",
            ],
        },
        RequirementText {
            prompt: "Your capstone report and a recorded presentation of it",
            guidance: "About ten pages, and a presentation of up to fifteen minutes for your school board, staff or a university panel.",
            kinds: &["document", "video", "link"],
            min_count: 2,
            checklist: &[
                "The effect on teaching practice, with evidence",
                "The effect on student learning, with data",
                "Recommendations for the next year",
            ],
        },
    ],
    rubric: &[
        (
            "Planning from evidence",
            "Goals come from student data and are agreed with leadership.",
            [
                "No data behind the goals.",
                "Data cited, goals loosely connected.",
                "Goals drawn from data and agreed with leadership.",
                "Goals, measures and milestones all drawn from the data.",
            ],
        ),
        (
            "Leading the initiative",
            "Coaching, facilitation and professional learning work together.",
            [
                "One activity, no follow-through.",
                "Several activities without a common thread.",
                "Coaching, teams and sessions serve the same goals.",
                "The initiative continues without the leader's constant presence.",
            ],
        ),
        (
            "Evidence of impact",
            "Effects on teaching and on students.",
            [
                "No evidence of effect.",
                "Participation figures only.",
                "Evidence of changed practice and of student learning.",
                "Clear gains in student learning linked to the changes in practice.",
            ],
        ),
        (
            "Reflection and recommendations",
            "What was learned and what should happen next.",
            [
                "None.",
                "A summary of activities.",
                "An honest account of what worked and did not, with recommendations.",
                "Recommendations the school or district has adopted.",
            ],
        ),
    ],
    credit_hours: "15",
    price: "175.00",
    icon: Icon::Trophy,
};

fn spec(
    step: &Step,
    department: Option<cairn_domain::DepartmentId>,
    capstone: bool,
) -> AppResult<Spec> {
    let n = u32::try_from(step.rubric.len()).unwrap_or(0);
    let description = if capstone {
        format!(
            "{}\n\nThe capstone of the Instructional Leadership Pathway. {RECOGNITION} The fee covers review by a university-approved assessor; a district, school or grant can sponsor it with a seat or a sponsor code.",
            step.summary
        )
    } else {
        format!(
            "{}\n\nOne of the four micro-credentials of the Instructional Leadership Pathway, which leads to a capstone that Prairie State University accepts for graduate credit. Take them in order if you can: each builds on the one before.",
            step.summary
        )
    };
    Ok(Spec {
        slug: step.slug.to_owned(),
        title: step.title.to_owned(),
        summary: step.summary.to_owned(),
        competency: step.competency.to_owned(),
        method: step.method.to_owned(),
        description,
        criteria: step.criteria.to_owned(),
        instructions: step.instructions.to_owned(),
        tags: step.tags.to_owned(),
        alignments: step.alignments.to_vec(),
        credit_hours: step.credit_hours,
        valid_months: "",
        price: step.price,
        sponsorable: capstone,
        requires_confirmation: capstone,
        department,
        level: None,
        // Pass on points: on average Proficient, whatever the mix.
        rubric: four_level_rubric(
            RUBRIC_LEVELS,
            step.rubric,
            PassingRule::TotalPointsAtLeast { points: n * 3 },
            str::to_owned,
        )?,
        rubric_template: None,
        requirements: step
            .requirements
            .iter()
            .map(|r| r.build(str::to_owned).map(own))
            .collect::<AppResult<_>>()?,
        design: Design {
            shape: Shape::Rosette,
            fill: if capstone {
                Colour::rgb(0x22, 0x26, 0x2b)
            } else {
                Colour::rgb(0x1f, 0x3b, 0x5c)
            },
            accent: Colour::rgb(0xe0, 0x70, 0x1b),
            border: Border {
                width: BorderWidth::Thick,
                colour: Colour::rgb(0xe8, 0xb3, 0x3a),
            },
            icon: step.icon,
            title: step.title.to_owned(),
            ribbon: Some(step.ribbon.to_owned()),
        },
    })
}

/// Loads the cooperative: its Leadership Academy, the four steps, the
/// capstone (requiring all four) and the published stack.
pub(super) async fn load(
    app: &App,
    cast: &Cast,
    meta: &RequestMeta,
) -> AppResult<DemoOrganization> {
    let admin = &cast.lee;
    let org = app
        .create_organization(
            admin,
            NewOrganization {
                slug: SLUG,
                profile: OrganizationProfileInput {
                    name: NAME,
                    website: "https://www.example.org/cottonwood",
                    contact_email: "leadership.academy@demo.cairn.test",
                    description: "A regional education service cooperative for twenty-three rural school districts. Its Leadership Academy prepares teacher leaders and instructional coaches through job-embedded micro-credentials; the pathway's capstone is accepted by Prairie State University for graduate credit.",
                },
            },
            meta,
        )
        .await?;
    app.add_demo_member(admin, SLUG, admin, &[Role::Author], meta)
        .await?;
    app.add_demo_member(admin, SLUG, &cast.nadia, &[Role::Reviewer], meta)
        .await?;
    app.add_demo_member(admin, SLUG, &cast.caleb, &[Role::Coach], meta)
        .await?;
    let academy = app
        .add_department(
            admin,
            SLUG,
            DepartmentFields {
                name: "Leadership Academy",
                slug: "leadership-academy",
                description: "Micro-credentials for teacher leaders, instructional coaches and aspiring principals.",
            },
            meta,
        )
        .await?;
    let mut steps = Vec::new();
    for step in &STEPS {
        let created = app
            .add_demo_achievement(admin, SLUG, spec(step, Some(academy.id), false)?, meta)
            .await?;
        steps.push(created.id);
    }
    let capstone = app
        .add_demo_achievement(admin, SLUG, spec(&CAPSTONE, Some(academy.id), true)?, meta)
        .await?;
    app.set_prerequisites(
        admin,
        capstone.id,
        Some(Prerequisite::AllOf(steps.clone())),
        meta,
    )
    .await?;
    let stack = app
        .save_stack(
            admin,
            SLUG,
            None,
            StackForm {
                name: "Instructional Leadership Pathway",
                slug: STACK_SLUG,
                description: "Four micro-credentials for teacher leaders and instructional coaches, taken in order, then a capstone in which you lead a professional learning initiative in your own school or district.",
                recognition: RECOGNITION,
                steps,
                capstone: Some(capstone.id),
                published: true,
            },
            meta,
        )
        .await?;
    Ok(DemoOrganization {
        name: org.name,
        slug: org.slug,
        highlight: "a four-step leadership stack with a capstone that a university accepts for graduate credit".to_owned(),
        departments: vec![academy.name],
        levels: Vec::new(),
        achievements: STEPS.len() + 1,
        templates: 0,
        stacks: vec![stack.slug],
    })
}
