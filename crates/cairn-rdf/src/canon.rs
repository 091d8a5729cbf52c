//! RDF Dataset Canonicalization, RDFC-1.0 (<https://www.w3.org/TR/rdf-canon/>).
//!
//! Implementation notes. Blank nodes are numbered densely in order of first
//! appearance, and every quad is written once, up front, as a canonical
//! N-Quads line with holes where its blank nodes go (a "template"). Each
//! later serialization (first-degree hashing with `_:a`/`_:z`, the final
//! output with `_:c14nN`) only copies text and fills the holes. Hashes are
//! kept as fixed-size lower-case hex, whose byte order is the code point
//! order the algorithm sorts by.
//!
//! Sorting. RDFC-1.0 sorts N-Quads lines in Unicode code point order, which
//! is the byte order of UTF-8. rdf-canonize (jsonld.js) sorts them in UTF-16
//! code unit order instead; the two differ only where one line has a
//! character U+E000–U+FFFF and the other a character above U+FFFF at the
//! first difference. [`LineOrder`] chooses; when the text has no characters
//! of both kinds the orders agree and plain byte comparison is used.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use sha2::{Digest, Sha256, Sha384};

use crate::nquads::{write_iri, write_literal};
use crate::term::{BlankNode, Dataset, Quad, Subject, Term};

/// The hash function of the canonicalization (RDFC-1.0 uses SHA-256 unless
/// told otherwise).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum HashAlgorithm {
    /// SHA-256, the default.
    #[default]
    Sha256,
    /// SHA-384.
    Sha384,
}

/// How N-Quads lines are sorted (in Hash First Degree Quads and in the
/// output).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum LineOrder {
    /// UTF-16 code unit order, as rdf-canonize (and so jsonld.js and the
    /// Digital Bazaar verifiers) sorts: byte-identical results with them.
    /// The default.
    #[default]
    Utf16CodeUnits,
    /// Unicode code point order, as the RDFC-1.0 text says (and as
    /// implementations that sort UTF-8 bytes do).
    CodePoints,
}

/// Settings of [`canonicalize_with`]: the hash function, the line order, and
/// limits on the work spent telling apart blank nodes that look alike.
///
/// The limits guard against "poison" datasets, whose symmetric blank nodes
/// make Hash N-Degree Quads take exponential time. The defaults are far
/// above what credentials need (most need no Hash N-Degree Quads at all)
/// and stop a poison dataset within milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CanonOptions {
    /// The hash function.
    pub hash: HashAlgorithm,
    /// How lines are sorted; matters only for text that mixes characters
    /// U+E000–U+FFFF with characters above U+FFFF (see
    /// [`Canonical::orders_may_differ`]).
    pub order: LineOrder,
    /// The most times Hash N-Degree Quads may run, counting recursive runs.
    pub max_hash_ndegree_calls: u64,
    /// The most permutations of related blank nodes Hash N-Degree Quads may
    /// examine, summed over all its runs.
    pub max_permutations: u64,
    /// The deepest Hash N-Degree Quads may recurse (a chain of similar
    /// blank nodes recurses once per node).
    pub max_recursion_depth: usize,
    /// The most times Hash Related Blank Node may run inside Hash N-Degree
    /// Quads, summed over all its runs (bounds the work of runs on blank
    /// nodes with very many neighbours).
    pub max_related_hashes: u64,
}

impl Default for CanonOptions {
    fn default() -> Self {
        CanonOptions {
            hash: HashAlgorithm::Sha256,
            order: LineOrder::Utf16CodeUnits,
            max_hash_ndegree_calls: 10_000,
            max_permutations: 50_000,
            max_recursion_depth: 128,
            max_related_hashes: 200_000,
        }
    }
}

/// The canonical form of a dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canonical {
    /// The canonical N-Quads: one line per distinct quad, blank nodes labelled
    /// `_:c14n0`, `_:c14n1`, …, lines in code point order, each ending in
    /// `\n`. This is the text Data Integrity proofs hash.
    pub nquads: String,
    /// The issued identifiers map: each input blank node with its canonical
    /// label (`c14n0`, …), in the order the labels were issued.
    pub issued: Vec<(BlankNode, BlankNode)>,
    /// Whether the other [`LineOrder`] might have given another result: the
    /// dataset's text mixes characters U+E000–U+FFFF with characters above
    /// U+FFFF. When false, both orders give this result.
    pub orders_may_differ: bool,
}

impl Canonical {
    /// The canonical label issued for the input blank node `label`, if it
    /// occurs in the dataset.
    pub fn canonical_label(&self, label: &str) -> Option<&BlankNode> {
        self.issued
            .iter()
            .find(|(input, _)| input.as_str() == label)
            .map(|(_, c14n)| c14n)
    }
}

/// Why canonicalization gave up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CanonError {
    /// Hash N-Degree Quads would have run more often than allowed.
    #[error(
        "canonicalization stopped: telling the blank nodes apart needs more than {limit} runs \
         of Hash N-Degree Quads (the dataset's blank nodes are too alike; it may be a \
         deliberately costly \"poison\" dataset)"
    )]
    TooManyHashNDegreeCalls {
        /// The limit that was reached ([`CanonOptions::max_hash_ndegree_calls`]).
        limit: u64,
    },
    /// Hash N-Degree Quads would have examined more permutations than allowed.
    #[error(
        "canonicalization stopped: telling the blank nodes apart needs more than {limit} \
         permutations of related blank nodes (the dataset's blank nodes are too alike; it may \
         be a deliberately costly \"poison\" dataset)"
    )]
    TooManyPermutations {
        /// The limit that was reached ([`CanonOptions::max_permutations`]).
        limit: u64,
    },
    /// Hash N-Degree Quads would have hashed more related blank nodes than allowed.
    #[error(
        "canonicalization stopped: telling the blank nodes apart needs more than {limit} \
         hashes of related blank nodes (the dataset's blank nodes are too alike; it may be a \
         deliberately costly \"poison\" dataset)"
    )]
    TooManyRelatedHashes {
        /// The limit that was reached ([`CanonOptions::max_related_hashes`]).
        limit: u64,
    },
    /// Hash N-Degree Quads would have recursed deeper than allowed.
    #[error(
        "canonicalization stopped: telling the blank nodes apart needs recursion deeper than \
         {limit} (a long chain of blank nodes that look alike)"
    )]
    TooDeep {
        /// The limit that was reached ([`CanonOptions::max_recursion_depth`]).
        limit: usize,
    },
}

/// Canonicalizes a dataset with RDFC-1.0 and SHA-256, under the default
/// limits ([`CanonOptions::default`]).
///
/// The dataset is treated as a set: duplicate quads appear once in the
/// output, and the order of quads does not matter.
///
/// ```
/// let ds = cairn_rdf::parse_nquads(
///     "_:x <http://schema.org/name> \"Ada\" .\n<urn:a> <http://schema.org/knows> _:x .\n",
/// )?;
/// let canonical = cairn_rdf::canonicalize(&ds)?;
/// assert_eq!(
///     canonical.nquads,
///     "<urn:a> <http://schema.org/knows> _:c14n0 .\n_:c14n0 <http://schema.org/name> \"Ada\" .\n"
/// );
/// assert_eq!(canonical.canonical_label("x").map(|b| b.as_str()), Some("c14n0"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn canonicalize(dataset: &Dataset) -> Result<Canonical, CanonError> {
    canonicalize_with(dataset, &CanonOptions::default())
}

/// Canonicalizes a dataset with RDFC-1.0, with the given hash function and
/// limits. See [`canonicalize`].
pub fn canonicalize_with(
    dataset: &Dataset,
    options: &CanonOptions,
) -> Result<Canonical, CanonError> {
    let quads = dataset.quads();
    let (canonical, repeats) = run(quads, options)?;
    if !repeats {
        return Ok(canonical);
    }
    // The input repeats quads: drop the repeats and start again (they would
    // otherwise count twice in first-degree hashes). Checking afterwards
    // keeps the common case free of the cost of looking for repeats.
    let mut seen = HashSet::with_capacity(quads.len());
    let unique: Vec<Quad> = quads.iter().filter(|q| seen.insert(*q)).cloned().collect();
    Ok(run(&unique, options)?.0)
}

/// A hash as lower-case hex (SHA-384 is 96 digits).
#[derive(Clone, Copy)]
struct Hex {
    len: u8,
    digits: [u8; 96],
}

impl Hex {
    #[inline]
    fn as_bytes(&self) -> &[u8] {
        &self.digits[..usize::from(self.len)]
    }
}

impl PartialEq for Hex {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for Hex {}

impl PartialOrd for Hex {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Hex {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

enum Hasher {
    Sha256(Sha256),
    Sha384(Sha384),
}

impl Hasher {
    #[inline]
    fn new(algorithm: HashAlgorithm) -> Self {
        match algorithm {
            HashAlgorithm::Sha256 => Hasher::Sha256(Sha256::new()),
            HashAlgorithm::Sha384 => Hasher::Sha384(Sha384::new()),
        }
    }

    #[inline]
    fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha384(h) => h.update(data),
        }
    }

    fn finish(self) -> Hex {
        const LOWER: &[u8; 16] = b"0123456789abcdef";
        let mut hex = Hex {
            len: 0,
            digits: [0; 96],
        };
        let mut put = |bytes: &[u8]| {
            for (i, b) in bytes.iter().enumerate() {
                hex.digits[2 * i] = LOWER[usize::from(b >> 4)];
                hex.digits[2 * i + 1] = LOWER[usize::from(b & 0x0F)];
            }
            bytes.len() * 2
        };
        let len = match self {
            Hasher::Sha256(h) => put(&h.finalize()),
            Hasher::Sha384(h) => put(&h.finalize()),
        };
        hex.len = u8::try_from(len).unwrap_or(96);
        hex
    }
}

/// The decimal digits of `n`, at the end of `digits`.
#[inline]
fn decimal(mut n: u32, digits: &mut [u8; 10]) -> &[u8] {
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &digits[i..]
}

/// Appends the decimal digits of `n`.
#[inline]
fn push_decimal(out: &mut Vec<u8>, n: u32) {
    out.extend_from_slice(decimal(n, &mut [0; 10]));
}

/// Appends the decimal digits of `n`.
#[inline]
fn push_decimal_str(out: &mut String, n: u32) {
    for &d in decimal(n, &mut [0; 10]) {
        out.push(char::from(d));
    }
}

/// Where a blank node sits in a quad, as the letter Hash Related Blank Node uses.
const SUBJECT: u8 = b's';
const OBJECT: u8 = b'o';
const GRAPH: u8 = b'g';

/// A blank node's place in a quad's template.
#[derive(Clone, Copy, Default)]
struct Slot {
    /// Byte offset in `State::text` where the label goes (after `_:`).
    at: usize,
    /// The blank node.
    node: u32,
    /// `SUBJECT`, `OBJECT` or `GRAPH`.
    position: u8,
}

/// A quad written as N-Quads with holes for its blank nodes' labels.
#[derive(Clone, Copy)]
struct Template {
    start: usize,
    end: usize,
    slots: [Slot; 3],
    len: u8,
}

impl Template {
    #[inline]
    fn slots(&self) -> &[Slot] {
        &self.slots[..usize::from(self.len)]
    }
}

/// Identifiers issued to blank nodes, in order. Temporary issuers stay small
/// (the blank nodes reached from one node), so lookups scan the list.
#[derive(Clone, Default)]
struct TempIssuer {
    issued: Vec<u32>,
}

impl TempIssuer {
    #[inline]
    fn get(&self, node: u32) -> Option<u32> {
        self.issued
            .iter()
            .position(|&n| n == node)
            .map(|i| i as u32)
    }

    #[inline]
    fn issue(&mut self, node: u32) -> u32 {
        match self.get(node) {
            Some(id) => id,
            None => {
                self.issued.push(node);
                (self.issued.len() - 1) as u32
            }
        }
    }
}

/// The canonical issuer: a dense table, one entry per blank node.
struct CanonicalIssuer {
    ids: Vec<u32>,
    issued: Vec<u32>,
}

const NONE: u32 = u32::MAX;

/// Up to this many blank nodes, they are numbered by scanning a list.
const SCAN_LIMIT: usize = 32;

impl CanonicalIssuer {
    #[inline]
    fn get(&self, node: u32) -> Option<u32> {
        match self.ids[node as usize] {
            NONE => None,
            id => Some(id),
        }
    }

    fn issue(&mut self, node: u32) {
        if self.ids[node as usize] == NONE {
            self.ids[node as usize] = self.issued.len() as u32;
            self.issued.push(node);
        }
    }
}

struct State<'a> {
    quads: &'a [Quad],
    options: &'a CanonOptions,
    /// The text of all templates.
    text: String,
    templates: Vec<Template>,
    /// Blank node number → the node (its first occurrence).
    nodes: Vec<&'a BlankNode>,
    /// `node_quads[node_quads_at[n]..node_quads_at[n + 1]]`: the quads that
    /// mention blank node `n`, each once, in dataset order.
    node_quads_at: Vec<u32>,
    node_quads: Vec<u32>,
    first_degree: Vec<Hex>,
    canonical: CanonicalIssuer,
    /// Blank node number → rank of its label in UTF-16 order; built only
    /// when Hash N-Degree Quads runs.
    label_rank: Vec<u32>,
    /// Whether lines must be compared in UTF-16 order (rather than by bytes,
    /// which gives the same result unless the text mixes the characters
    /// whose order differs).
    utf16: bool,
    /// Whether the text mixes those characters.
    orders_may_differ: bool,
    calls: u64,
    permutations: u64,
    related_hashes: u64,
}

/// Runs the algorithm; also says whether the input repeats a quad (the
/// output then has each line once, but the labels may be wrong).
fn run(quads: &[Quad], options: &CanonOptions) -> Result<(Canonical, bool), CanonError> {
    let mut state = State::new(quads, options);
    state.label_blank_nodes()?;
    Ok(state.output())
}

impl<'a> State<'a> {
    /// Writes the templates and numbers the blank nodes.
    fn new(quads: &'a [Quad], options: &'a CanonOptions) -> Self {
        let mut text = String::with_capacity(quads.len() * 100);
        let mut templates = Vec::with_capacity(quads.len());
        let mut nodes: Vec<&'a BlankNode> = Vec::new();
        let mut numbers: HashMap<&'a str, u32> = HashMap::new();
        // (node, quad) for every mention.
        let mut mentions: Vec<(u32, u32)> = Vec::new();

        for (q, quad) in quads.iter().enumerate() {
            let start = text.len();
            let mut template = Template {
                start,
                end: start,
                slots: [Slot::default(); 3],
                len: 0,
            };
            let mut blank = |text: &mut String, node: &'a BlankNode, position: u8| {
                text.push_str("_:");
                // Few blank nodes: a scan beats hashing. Many: a map.
                let number = if numbers.is_empty() {
                    match nodes.iter().position(|n| n.as_str() == node.as_str()) {
                        Some(i) => i as u32,
                        None => {
                            nodes.push(node);
                            if nodes.len() == SCAN_LIMIT {
                                numbers.extend(
                                    nodes
                                        .iter()
                                        .enumerate()
                                        .map(|(i, n)| (n.as_str(), i as u32)),
                                );
                            }
                            (nodes.len() - 1) as u32
                        }
                    }
                } else {
                    *numbers.entry(node.as_str()).or_insert_with(|| {
                        nodes.push(node);
                        (nodes.len() - 1) as u32
                    })
                };
                template.slots[usize::from(template.len)] = Slot {
                    at: text.len(),
                    node: number,
                    position,
                };
                template.len += 1;
                // A node mentioned twice in one quad lists the quad once.
                let q = q as u32;
                if !mentions
                    .iter()
                    .rev()
                    .take_while(|m| m.1 == q)
                    .any(|m| m.0 == number)
                {
                    mentions.push((number, q));
                }
            };
            match &quad.subject {
                Subject::Iri(iri) => write_iri(&mut text, iri),
                Subject::BlankNode(b) => blank(&mut text, b, SUBJECT),
            }
            text.push(' ');
            write_iri(&mut text, &quad.predicate);
            text.push(' ');
            match &quad.object {
                Term::Iri(iri) => write_iri(&mut text, iri),
                Term::BlankNode(b) => blank(&mut text, b, OBJECT),
                Term::Literal(l) => write_literal(&mut text, l),
            }
            match &quad.graph {
                None => {}
                Some(Subject::Iri(iri)) => {
                    text.push(' ');
                    write_iri(&mut text, iri);
                }
                Some(Subject::BlankNode(b)) => {
                    text.push(' ');
                    blank(&mut text, b, GRAPH);
                }
            }
            text.push_str(" .\n");
            template.end = text.len();
            templates.push(template);
        }

        // Group the mentions by node (counting sort keeps dataset order).
        let n = nodes.len();
        let mut node_quads_at = vec![0u32; n + 1];
        for &(node, _) in &mentions {
            node_quads_at[node as usize + 1] += 1;
        }
        for i in 0..n {
            node_quads_at[i + 1] += node_quads_at[i];
        }
        let mut fill = node_quads_at.clone();
        let mut node_quads = vec![0u32; mentions.len()];
        for &(node, q) in &mentions {
            let at = &mut fill[node as usize];
            node_quads[*at as usize] = q;
            *at += 1;
        }

        let orders_may_differ = mixes_utf16_order_classes(&text);
        State {
            quads,
            options,
            text,
            templates,
            nodes,
            node_quads_at,
            node_quads,
            first_degree: Vec::with_capacity(n),
            canonical: CanonicalIssuer {
                ids: vec![NONE; n],
                issued: Vec::with_capacity(n),
            },
            label_rank: Vec::new(),
            utf16: options.order == LineOrder::Utf16CodeUnits && orders_may_differ,
            orders_may_differ,
            calls: 0,
            permutations: 0,
            related_hashes: 0,
        }
    }

    #[inline]
    fn quads_of(&self, node: u32) -> &[u32] {
        let from = self.node_quads_at[node as usize] as usize;
        let to = self.node_quads_at[node as usize + 1] as usize;
        &self.node_quads[from..to]
    }

    /// Appends quad `q`'s line, writing each blank node with `label`.
    #[inline]
    fn write_line(&self, out: &mut String, q: u32, mut label: impl FnMut(&mut String, u32)) {
        let t = &self.templates[q as usize];
        let mut from = t.start;
        for slot in t.slots() {
            out.push_str(&self.text[from..slot.at]);
            label(out, slot.node);
            from = slot.at;
        }
        out.push_str(&self.text[from..t.end]);
    }

    /// Steps 3 to 5 of the canonicalization algorithm: issues every blank
    /// node its canonical identifier.
    fn label_blank_nodes(&mut self) -> Result<(), CanonError> {
        let n = self.nodes.len() as u32;
        if n == 0 {
            return Ok(());
        }
        // Step 3: Hash First Degree Quads for every blank node.
        let mut lines = String::new();
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        for node in 0..n {
            lines.clear();
            ranges.clear();
            for &q in self.quads_of(node) {
                let from = lines.len();
                self.write_line(&mut lines, q, |out, other| {
                    out.push(if other == node { 'a' } else { 'z' });
                });
                ranges.push((from, lines.len()));
            }
            let bytes = lines.as_bytes();
            let line = |r: &(usize, usize)| &bytes[r.0..r.1];
            ranges.sort_unstable_by(|a, b| compare_lines(self.utf16, line(a), line(b)));
            let mut hasher = Hasher::new(self.options.hash);
            for r in &ranges {
                hasher.update(line(r));
            }
            self.first_degree.push(hasher.finish());
        }

        // Step 4: issue canonical identifiers to the nodes whose first-degree
        // hash is unique, in code point order of the hash.
        let mut by_hash: Vec<u32> = (0..n).collect();
        by_hash.sort_by(|&a, &b| self.first_degree[a as usize].cmp(&self.first_degree[b as usize]));
        let mut shared: Vec<&[u32]> = Vec::new();
        for group in by_hash
            .chunk_by(|&a, &b| self.first_degree[a as usize] == self.first_degree[b as usize])
        {
            if let [single] = group {
                self.canonical.issue(*single);
            } else {
                shared.push(group);
            }
        }

        // Step 5: the nodes that share a hash, group by group in hash order.
        for group in shared {
            let mut hash_paths: Vec<(Hex, TempIssuer)> = Vec::new();
            for &node in group {
                if self.canonical.get(node).is_some() {
                    continue;
                }
                let mut issuer = TempIssuer::default();
                issuer.issue(node);
                hash_paths.push(self.hash_n_degree(node, &issuer, 0)?);
            }
            hash_paths.sort_by_key(|a| a.0);
            for (_, issuer) in &hash_paths {
                for &node in &issuer.issued {
                    self.canonical.issue(node);
                }
            }
        }
        Ok(())
    }

    /// Hash Related Blank Node.
    fn hash_related(
        &self,
        related: u32,
        predicate: &str,
        position: u8,
        issuer: &TempIssuer,
    ) -> Hex {
        let mut hasher = Hasher::new(self.options.hash);
        hasher.update(&[position]);
        if position != GRAPH {
            hasher.update(b"<");
            hasher.update(predicate.as_bytes());
            hasher.update(b">");
        }
        let mut id = Vec::with_capacity(16);
        if let Some(c) = self.canonical.get(related) {
            id.extend_from_slice(b"_:c14n");
            push_decimal(&mut id, c);
            hasher.update(&id);
        } else if let Some(b) = issuer.get(related) {
            id.extend_from_slice(b"_:b");
            push_decimal(&mut id, b);
            hasher.update(&id);
        } else {
            hasher.update(self.first_degree[related as usize].as_bytes());
        }
        hasher.finish()
    }

    /// The order in which a group's permutations are enumerated: by label.
    fn ensure_label_ranks(&mut self) {
        if !self.label_rank.is_empty() || self.nodes.is_empty() {
            return;
        }
        let mut order: Vec<u32> = (0..self.nodes.len() as u32).collect();
        // rdf-canonize compares labels as JavaScript strings: UTF-16.
        order.sort_by(|&a, &b| {
            let a = self.nodes[a as usize].as_str().as_bytes();
            let b = self.nodes[b as usize].as_str().as_bytes();
            compare_utf16(a, b)
        });
        self.label_rank = vec![0; order.len()];
        for (rank, &node) in order.iter().enumerate() {
            self.label_rank[node as usize] = rank as u32;
        }
    }

    /// Hash N-Degree Quads: returns the hash and the issuer that results.
    fn hash_n_degree(
        &mut self,
        node: u32,
        issuer: &TempIssuer,
        depth: usize,
    ) -> Result<(Hex, TempIssuer), CanonError> {
        self.calls += 1;
        if self.calls > self.options.max_hash_ndegree_calls {
            return Err(CanonError::TooManyHashNDegreeCalls {
                limit: self.options.max_hash_ndegree_calls,
            });
        }
        if depth > self.options.max_recursion_depth {
            return Err(CanonError::TooDeep {
                limit: self.options.max_recursion_depth,
            });
        }
        self.ensure_label_ranks();

        // Steps 1–3: the related blank nodes, keyed by Hash Related Blank Node.
        let mentions: usize = self
            .quads_of(node)
            .iter()
            .map(|&q| {
                let slots = self.templates[q as usize].slots();
                slots.iter().filter(|slot| slot.node != node).count()
            })
            .sum();
        self.related_hashes = self.related_hashes.saturating_add(mentions as u64);
        if self.related_hashes > self.options.max_related_hashes {
            return Err(CanonError::TooManyRelatedHashes {
                limit: self.options.max_related_hashes,
            });
        }
        let mut related: Vec<(Hex, u32)> = Vec::with_capacity(mentions);
        for &q in self.quads_of(node) {
            let predicate = self.quads[q as usize].predicate.as_str();
            for slot in self.templates[q as usize].slots() {
                if slot.node != node {
                    let hash = self.hash_related(slot.node, predicate, slot.position, issuer);
                    related.push((hash, slot.node));
                }
            }
        }
        related.sort_by_key(|a| a.0);

        // Steps 4–5.
        let mut data = Hasher::new(self.options.hash);
        let mut issuer = issuer.clone();
        let mut group: Vec<u32> = Vec::new();
        for chunk in related.chunk_by(|a, b| a.0 == b.0) {
            data.update(chunk[0].0.as_bytes());
            group.clear();
            group.extend(chunk.iter().map(|&(_, n)| n));
            group.sort_by_key(|&n| self.label_rank[n as usize]);
            let mut order = Permutations::new(&group);

            let mut chosen_path: Vec<u8> = Vec::new();
            let mut chosen_issuer: Option<TempIssuer> = None;
            let mut path: Vec<u8> = Vec::new();
            let mut recursion: Vec<u32> = Vec::new();
            loop {
                self.permutations += 1;
                if self.permutations > self.options.max_permutations {
                    return Err(CanonError::TooManyPermutations {
                        limit: self.options.max_permutations,
                    });
                }
                if let Some(issuer_copy) = self.try_permutation(
                    &group,
                    &issuer,
                    &chosen_path,
                    &mut path,
                    &mut recursion,
                    depth,
                )? && (chosen_path.is_empty() || path < chosen_path)
                {
                    std::mem::swap(&mut chosen_path, &mut path);
                    chosen_issuer = Some(issuer_copy);
                }
                if !order.advance(&mut group, &self.label_rank) {
                    break;
                }
            }
            data.update(&chosen_path);
            if let Some(chosen) = chosen_issuer {
                issuer = chosen;
            }
        }
        Ok((data.finish(), issuer))
    }

    /// Step 5.4 of Hash N-Degree Quads for one permutation. Leaves the path
    /// in `path`; `None` when the permutation cannot beat `chosen_path`.
    fn try_permutation(
        &mut self,
        permutation: &[u32],
        issuer: &TempIssuer,
        chosen_path: &[u8],
        path: &mut Vec<u8>,
        recursion: &mut Vec<u32>,
        depth: usize,
    ) -> Result<Option<TempIssuer>, CanonError> {
        let worse = |path: &[u8]| {
            !chosen_path.is_empty() && path.len() >= chosen_path.len() && path > chosen_path
        };
        let mut issuer_copy = issuer.clone();
        path.clear();
        recursion.clear();
        for &related in permutation {
            if let Some(c) = self.canonical.get(related) {
                path.extend_from_slice(b"_:c14n");
                push_decimal(path, c);
            } else {
                if issuer_copy.get(related).is_none() {
                    recursion.push(related);
                }
                let id = issuer_copy.issue(related);
                path.extend_from_slice(b"_:b");
                push_decimal(path, id);
            }
            if worse(path) {
                return Ok(None);
            }
        }
        for &related in recursion.iter() {
            let (hash, result_issuer) = self.hash_n_degree(related, &issuer_copy, depth + 1)?;
            let id = issuer_copy.issue(related);
            path.extend_from_slice(b"_:b");
            push_decimal(path, id);
            path.push(b'<');
            path.extend_from_slice(hash.as_bytes());
            path.push(b'>');
            issuer_copy = result_issuer;
            if worse(path) {
                return Ok(None);
            }
        }
        Ok(Some(issuer_copy))
    }

    /// Steps 6–7: the canonical N-Quads and the issued identifiers map, and
    /// whether two lines were equal, that is, whether the input repeats a quad.
    fn output(&self) -> (Canonical, bool) {
        // Quads without blank nodes are final in `self.text`; the others are
        // written out with their canonical labels.
        let mut relabelled = String::new();
        let mut ranges: Vec<(bool, usize, usize)> = Vec::with_capacity(self.templates.len());
        for (q, t) in self.templates.iter().enumerate() {
            if t.len == 0 {
                ranges.push((false, t.start, t.end));
            } else {
                let from = relabelled.len();
                self.write_line(&mut relabelled, q as u32, |out, node| {
                    out.push_str("c14n");
                    push_decimal_str(out, self.canonical.get(node).unwrap_or(NONE));
                });
                ranges.push((true, from, relabelled.len()));
            }
        }
        let mut lines: Vec<&str> = ranges
            .iter()
            .map(|&(relabel, from, to)| {
                let text = if relabel { &relabelled } else { &self.text };
                &text[from..to]
            })
            .collect();
        if self.utf16 {
            lines.sort_unstable_by(|a, b| compare_utf16(a.as_bytes(), b.as_bytes()));
        } else {
            lines.sort_unstable();
        }
        let mut nquads = String::with_capacity(lines.iter().map(|l| l.len()).sum());
        let mut repeats = false;
        for (i, line) in lines.iter().enumerate() {
            if i > 0 && lines[i - 1] == *line {
                repeats = true;
            } else {
                nquads.push_str(line);
            }
        }
        let issued = self
            .canonical
            .issued
            .iter()
            .enumerate()
            .map(|(i, &node)| (self.nodes[node as usize].clone(), canonical_label(i)))
            .collect();
        (
            Canonical {
                nquads,
                issued,
                orders_may_differ: self.orders_may_differ,
            },
            repeats,
        )
    }
}

/// Compares two lines in UTF-16 order if `utf16`, else in code point order.
#[inline]
fn compare_lines(utf16: bool, a: &[u8], b: &[u8]) -> Ordering {
    if utf16 { compare_utf16(a, b) } else { a.cmp(b) }
}

/// Compares two UTF-8 strings in the order of their UTF-16 code units.
///
/// Where the strings first differ, both are inside the same character (a
/// continuation byte: byte order is right) or both start a character. Byte
/// order of the first bytes is code point order; UTF-16 differs only in
/// putting characters above U+FFFF (first byte F0–F4, surrogates D800–DFFF)
/// before U+E000–U+FFFF (first byte EE or EF).
fn compare_utf16(a: &[u8], b: &[u8]) -> Ordering {
    let Some(i) = a.iter().zip(b).position(|(x, y)| x != y) else {
        return a.len().cmp(&b.len());
    };
    let (x, y) = (a[i], b[i]);
    if x & 0xC0 == 0x80 {
        return x.cmp(&y);
    }
    let key = |b: u8| match b {
        0xEE | 0xEF => b + 0x05,
        0xF0..=0xF4 => b - 0x02,
        _ => b,
    };
    key(x).cmp(&key(y))
}

/// Whether the text has both characters U+E000–U+FFFF and characters above
/// U+FFFF, the only ones whose UTF-16 order differs from code point order.
fn mixes_utf16_order_classes(text: &str) -> bool {
    let mut seen = 0u8;
    for chunk in text.as_bytes().chunks(256) {
        // Branch-free over the chunk, so that it vectorizes.
        seen |= chunk.iter().fold(0u8, |m, &b| {
            m | (u8::from(b & 0xFE == 0xEE)) | (u8::from(b >= 0xF0) << 1)
        });
        if seen == 3 {
            return true;
        }
    }
    false
}

/// The blank node `c14n{i}`.
fn canonical_label(i: usize) -> BlankNode {
    match C14N_LABELS.get(i) {
        Some(label) => BlankNode::from_static_label(label),
        None => BlankNode::trusted(format!("c14n{i}").into()),
    }
}

/// The first canonical labels, so that typical datasets allocate none.
const C14N_LABELS: [&str; 32] = [
    "c14n0", "c14n1", "c14n2", "c14n3", "c14n4", "c14n5", "c14n6", "c14n7", "c14n8", "c14n9",
    "c14n10", "c14n11", "c14n12", "c14n13", "c14n14", "c14n15", "c14n16", "c14n17", "c14n18",
    "c14n19", "c14n20", "c14n21", "c14n22", "c14n23", "c14n24", "c14n25", "c14n26", "c14n27",
    "c14n28", "c14n29", "c14n30", "c14n31",
];

/// The permutations of a group of related blank nodes, in the order the
/// reference implementation (rdf-canonize, used by jsonld.js) visits them:
/// the Steinhaus–Johnson–Trotter algorithm, starting from the nodes sorted
/// by label, comparing nodes by label, with one direction per distinct node.
///
/// The order matters when two permutations give the same path: the first
/// one visited wins, and the issuer it produced orders the canonical labels.
/// When the group repeats a node, this visits only some of the distinct
/// orders, as the reference does.
struct Permutations {
    /// (node, points left) for each distinct node of the group.
    directions: Vec<(u32, bool)>,
}

impl Permutations {
    fn new(sorted: &[u32]) -> Self {
        let mut directions: Vec<(u32, bool)> = Vec::with_capacity(sorted.len());
        for &node in sorted {
            if !directions.iter().any(|&(n, _)| n == node) {
                directions.push((node, true));
            }
        }
        Permutations { directions }
    }

    fn points_left(&self, node: u32) -> bool {
        self.directions
            .iter()
            .find(|&&(n, _)| n == node)
            .is_some_and(|&(_, left)| left)
    }

    /// Moves `current` to the next permutation; false after the last one.
    fn advance(&mut self, current: &mut [u32], label_rank: &[u32]) -> bool {
        let rank = |node: u32| label_rank[node as usize];
        // The largest mobile node: one greater than the neighbour it points at.
        let mut mobile: Option<(usize, u32)> = None;
        for (i, &node) in current.iter().enumerate() {
            let neighbour = if self.points_left(node) {
                i.checked_sub(1)
            } else {
                Some(i + 1).filter(|&j| j < current.len())
            };
            let is_mobile = neighbour.is_some_and(|j| rank(node) > rank(current[j]));
            if is_mobile && mobile.is_none_or(|(_, m)| rank(node) > rank(m)) {
                mobile = Some((i, node));
            }
        }
        let Some((at, node)) = mobile else {
            return false;
        };
        let to = if self.points_left(node) {
            at - 1
        } else {
            at + 1
        };
        current.swap(at, to);
        // Turn around every node greater than the one moved, once per
        // occurrence (a repeated node turns twice, as in the reference).
        for &other in current.iter() {
            if rank(other) > rank(node)
                && let Some(entry) = self.directions.iter_mut().find(|(n, _)| *n == other)
            {
                entry.1 = !entry.1;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every permutation of `labels` (one label per node), in visiting order.
    fn visit(labels: &str) -> Vec<String> {
        // Nodes are numbered by label: rank = the label's letter.
        let nodes: Vec<u32> = labels.bytes().map(|b| u32::from(b - b'a')).collect();
        let ranks: Vec<u32> = (0..26).collect();
        let mut current = nodes.clone();
        current.sort_unstable();
        let mut order = Permutations::new(&current);
        let mut seen = Vec::new();
        loop {
            seen.push(
                current
                    .iter()
                    .map(|&n| char::from(b'a' + n as u8))
                    .collect(),
            );
            if !order.advance(&mut current, &ranks) {
                return seen;
            }
        }
    }

    #[test]
    fn permutations_follow_the_reference_order() {
        assert_eq!(visit("a"), ["a"]);
        assert_eq!(visit("ba"), ["ab", "ba"]);
        assert_eq!(visit("abc"), ["abc", "acb", "cab", "cba", "bca", "bac"]);
        assert_eq!(visit("abcd").len(), 24);
        assert_eq!(
            &visit("abcd")[..6],
            ["abcd", "abdc", "adbc", "dabc", "dacb", "adcb"]
        );
        // Repeated nodes: the reference visits a subset of the orders.
        assert_eq!(visit("aab"), ["aab", "aba", "baa"]);
        assert_eq!(visit("aabb"), ["aabb", "abab", "baab", "baba", "bbaa"]);
        assert_eq!(visit("abbc").len(), 12);
    }

    proptest::proptest! {
        #[test]
        fn utf16_comparison_agrees_with_utf16(a in "\\PC{0,6}", b in "\\PC{0,6}") {
            let expected = a.encode_utf16().cmp(b.encode_utf16());
            proptest::prop_assert_eq!(compare_utf16(a.as_bytes(), b.as_bytes()), expected);
        }
    }

    #[test]
    fn utf16_comparison_on_the_characters_that_differ() {
        let cases = [
            ("\u{FF01}", "\u{1F600}", Ordering::Greater),
            ("\u{E000}", "\u{10000}", Ordering::Greater),
            ("\u{D7FF}", "\u{10000}", Ordering::Less),
            ("a\u{FFFD}", "a\u{10FFFF}", Ordering::Greater),
            ("\u{1F600}", "\u{1F601}", Ordering::Less),
            ("ab", "abc", Ordering::Less),
            ("\u{F600}x", "\u{F600}", Ordering::Greater),
        ];
        for (a, b, expected) in cases {
            assert_eq!(
                compare_utf16(a.as_bytes(), b.as_bytes()),
                expected,
                "{a:?} {b:?}"
            );
        }
        assert!(mixes_utf16_order_classes("x\u{FF01}y\u{1F600}"));
        assert!(!mixes_utf16_order_classes("x\u{FF01}y\u{2200}"));
        assert!(!mixes_utf16_order_classes("x\u{1F600}"));
    }

    #[test]
    fn decimal() {
        for n in [0u32, 7, 10, 99, 12345, u32::MAX] {
            let mut out = Vec::new();
            push_decimal(&mut out, n);
            assert_eq!(out, n.to_string().into_bytes());
        }
    }
}
