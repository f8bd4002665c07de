"""kg's ontology: the closed vocabulary of the RDF export and its alignments to standard vocabularies.

Every term kg writes is declared here once, as a `DefinedNamespace` with `_fail = True`, so that a
misspelled term (``MLKG.trainedon``) raises instead of minting a new IRI. The standard vocabularies
that rdflib does not ship (ML-Schema, MLDCAT-AP, FaBiO, Web Annotation) are declared the same way,
holding only the terms kg uses, each checked against its published source (cited per class).

`ontology_graph()` is the ontology as an rdflib Graph; `kg/data/ontology.ttl` is its serialization
(a test keeps the two in agreement).
"""
from __future__ import annotations

from types import MappingProxyType
from typing import NamedTuple

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, RDF, RDFS, SDO, SKOS, VOID, XSD, DefinedNamespace


ONTOLOGY_IRI = "https://w3id.org/mlkg/ontology"
RESOURCE_BASE = "https://w3id.org/mlkg/resource/"


class MLKG(DefinedNamespace):
    """kg's own terms (prefix ``mlkg:``)."""

    _fail = True
    _NS = Namespace(f"{ONTOLOGY_IRI}#")

    Paper: URIRef  # a research paper (abstract) that kg read
    Model: URIRef  # a machine-learning model, e.g. LLaMA-65B
    Dataset: URIRef  # a dataset or benchmark, e.g. SlimPajama
    Method: URIRef  # a method, technique or algorithm, e.g. LoRA
    Task: URIRef  # a task, e.g. question answering
    Metric: URIRef  # an evaluation metric, e.g. accuracy
    Assertion: URIRef  # a reified relation with its provenance and evidence

    basedOn: URIRef  # model -> the model it is built on (fine-tuned, distilled, extended)
    trainedOn: URIRef  # model -> a dataset it was trained on
    evaluatedOn: URIRef  # model or method -> a dataset it was evaluated on
    outperforms: URIRef  # model or method -> one it is reported to beat
    comparedWith: URIRef  # model or method <-> one it is compared with (symmetric)
    appliedTo: URIRef  # method -> a model it is applied to
    uses: URIRef  # model or method -> a method or dataset it uses
    variantOf: URIRef  # size variant -> its model family (LLaMA-65B -> LLaMA)
    mentionedIn: URIRef  # entity -> a paper that mentions it
    introducedIn: URIRef  # entity -> the paper that presents it

    evidence: URIRef  # assertion -> an oa:SpecificResource: the sentence of a paper that states it
    confidence: URIRef  # assertion or evidence -> extractor confidence in [0, 1] (xsd:decimal)
    support: URIRef  # assertion -> number of distinct papers stating it (xsd:integer)
    cue: URIRef  # evidence -> the words that signalled the relation


class MLS(DefinedNamespace):
    """ML-Schema, W3C ML Schema Community Group.

    Source: github.com/ML-Schema/core MLSchema.ttl (commit 4e1d902): mls:Model, mls:Dataset,
    mls:Algorithm, mls:Task, mls:EvaluationMeasure are owl:Class.
    """

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/mls#")

    Model: URIRef  # "a generalization of a set of training data able to predict values"
    Dataset: URIRef  # subclass of mls:Data
    Algorithm: URIRef  # "the algorithm regardless software implementation"
    Task: URIRef  # "a formal description of a process that needs to be completed"
    EvaluationMeasure: URIRef  # "a measure to assess the performance of the model"


class IT6(DefinedNamespace):
    """MLDCAT-AP (SEMIC, European Commission), namespace http://data.europa.eu/it6/.

    Source: github.com/SEMICeu/MLDCAT-AP releases/3.1.0 shacl/mldcat-ap-SHACL.ttl and
    context/mldcat-ap.jsonld (commit 4adf130).
    """

    _fail = True
    _NS = Namespace("http://data.europa.eu/it6/")

    MachineLearningModel: URIRef  # MachineLearningModelShape's target class
    EvaluationMeasure: URIRef  # context "EvaluationMeasure"
    trainedOn: URIRef  # "The training dataset used to train the machine learning model" (sh:class dcat:Dataset)
    testedOn: URIRef  # "The testing dataset used to evaluate the machine learning model"
    fineTunedFrom: URIRef  # "The model from which this model has been fine tuned" (sh:maxCount 1)
    hasVariation: URIRef  # "The model that is variant of this model" (the inverse direction of mlkg:variantOf)
    hasBibliographicReference: URIRef  # "The reference to a paper"


class FABIO(DefinedNamespace):
    """FaBiO, the FRBR-aligned Bibliographic Ontology (SPAR).

    Source: github.com/SPAROntologies/fabio docs/current/fabio.nt: fabio:ResearchPaper is an
    owl:Class, rdfs:subClassOf fabio:ScholarlyWork.
    """

    _fail = True
    _NS = Namespace("http://purl.org/spar/fabio/")

    ResearchPaper: URIRef  # "A scholarly work that reports original research contributions"


class OA(DefinedNamespace):
    """Web Annotation Vocabulary (W3C Recommendation 2017).

    Source: github.com/w3c/web-annotation admin/ns/oa.ttl: the classes below are rdfs:Class;
    oa:start and oa:end have range xsd:nonNegativeInteger, oa:exact range xsd:string.
    """

    _fail = True
    _NS = Namespace("http://www.w3.org/ns/oa#")

    SpecificResource: URIRef  # part of another resource (oa:hasSource) picked out by selectors
    TextQuoteSelector: URIRef  # selects text by copying it (oa:exact)
    TextPositionSelector: URIRef  # selects text by 0-based character offsets (oa:start, oa:end)
    hasSource: URIRef  # specific resource -> the resource it is part of
    hasSelector: URIRef  # specific resource -> a selector
    exact: URIRef  # the selected text
    start: URIRef  # start offset (inclusive)
    end: URIRef  # end offset (exclusive)


#: Prefixes written in Turtle output, in this order.
PREFIXES: MappingProxyType[str, str] = MappingProxyType({
    "mlkg": str(MLKG._NS),
    "mls": str(MLS._NS),
    "it6": str(IT6._NS),
    "fabio": str(FABIO._NS),
    "oa": str(OA._NS),
    "dcat": str(DCAT),
    "dcterms": str(DCTERMS),
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SDO),
    "skos": str(SKOS),
    "void": str(VOID),
    "xsd": str(XSD),
})

#: Entity type (types.ENTITY_TYPES) -> its class.
ENTITY_CLASSES: MappingProxyType[str, URIRef] = MappingProxyType({
    "Model": MLKG.Model, "Dataset": MLKG.Dataset, "Method": MLKG.Method,
    "Task": MLKG.Task, "Metric": MLKG.Metric,
})

#: Relation type (types.RELATION_TYPES) -> its property.
RELATION_PROPERTIES: MappingProxyType[str, URIRef] = MappingProxyType({
    "based_on": MLKG.basedOn, "trained_on": MLKG.trainedOn, "evaluated_on": MLKG.evaluatedOn,
    "outperforms": MLKG.outperforms, "compared_with": MLKG.comparedWith,
    "applied_to": MLKG.appliedTo, "uses": MLKG.uses,
})


class Term(NamedTuple):
    """One ontology term: its kind, label, definition and the standard terms it specializes."""

    iri: URIRef
    kind: URIRef
    label: str
    comment: str
    parents: tuple[URIRef, ...] = ()
    see_also: tuple[URIRef, ...] = ()
    domain: URIRef | None = None
    range: URIRef | None = None


# Alignments: rdfs:subClassOf / rdfs:subPropertyOf where the standard term's definition covers ours,
# rdfs:seeAlso where it is only close (different domain, or the inverse direction).
TERMS: tuple[Term, ...] = (
    Term(MLKG.Paper, OWL.Class, "paper", "A research paper; kg reads its title and abstract.",
         (FABIO.ResearchPaper, SDO.ScholarlyArticle)),
    Term(MLKG.Model, OWL.Class, "model", "A machine-learning model, such as LLaMA-65B.",
         (IT6.MachineLearningModel, MLS.Model)),
    Term(MLKG.Dataset, OWL.Class, "dataset", "A dataset or benchmark, such as SlimPajama.",
         (DCAT.Dataset, MLS.Dataset)),
    Term(MLKG.Method, OWL.Class, "method", "A method, technique or algorithm, such as LoRA.",
         (MLS.Algorithm,)),
    Term(MLKG.Task, OWL.Class, "task", "A task that models or methods address, such as question answering.",
         (MLS.Task,)),
    Term(MLKG.Metric, OWL.Class, "metric", "An evaluation metric, such as accuracy.",
         (MLS.EvaluationMeasure, IT6.EvaluationMeasure)),
    Term(MLKG.Assertion, OWL.Class, "assertion",
         "A relation stated in papers, reified with rdf:subject/rdf:predicate/rdf:object, "
         "with its provenance, evidence, confidence and support.",
         (RDF.Statement, PROV.Entity)),
    Term(MLKG.basedOn, OWL.ObjectProperty, "based on",
         "The subject model is built on the object model (fine-tuned, distilled, extended or adapted).",
         (SDO.isBasedOn, PROV.wasDerivedFrom), (IT6.fineTunedFrom,), MLKG.Model, MLKG.Model),
    Term(MLKG.trainedOn, OWL.ObjectProperty, "trained on", "The subject model was trained on the object dataset.",
         (IT6.trainedOn,), (), MLKG.Model, MLKG.Dataset),
    Term(MLKG.evaluatedOn, OWL.ObjectProperty, "evaluated on",
         "The subject model or method was evaluated on the object dataset.",
         (), (IT6.testedOn,), None, MLKG.Dataset),
    Term(MLKG.outperforms, OWL.ObjectProperty, "outperforms",
         "The subject model or method is reported to perform better than the object."),
    Term(MLKG.comparedWith, OWL.SymmetricProperty, "compared with",
         "The subject and the object (models or methods) are compared with each other."),
    Term(MLKG.appliedTo, OWL.ObjectProperty, "applied to", "The subject method is applied to the object model.",
         (), (), MLKG.Method, MLKG.Model),
    Term(MLKG.uses, OWL.ObjectProperty, "uses", "The subject model or method uses the object method or dataset."),
    Term(MLKG.variantOf, OWL.ObjectProperty, "variant of",
         "The subject is a size variant of the object model family (LLaMA-65B is a variant of LLaMA).",
         (DCTERMS.isVersionOf,), (IT6.hasVariation,)),
    Term(MLKG.mentionedIn, OWL.ObjectProperty, "mentioned in", "The subject entity is mentioned in the object paper.",
         (DCTERMS.isReferencedBy,), (), None, MLKG.Paper),
    Term(MLKG.introducedIn, OWL.ObjectProperty, "introduced in", "The subject entity is presented by the object paper.",
         (MLKG.mentionedIn,), (IT6.hasBibliographicReference,), None, MLKG.Paper),
    Term(MLKG.evidence, OWL.ObjectProperty, "evidence",
         "A sentence of a paper that states the assertion, as a Web Annotation specific resource.",
         (), (), MLKG.Assertion, OA.SpecificResource),
    Term(MLKG.confidence, OWL.DatatypeProperty, "confidence",
         "The extractor's confidence, between 0 and 1 (the highest of the evidence for an assertion).",
         (), (), None, XSD.decimal),
    Term(MLKG.support, OWL.DatatypeProperty, "support", "The number of distinct papers that state the assertion.",
         (), (), MLKG.Assertion, XSD.integer),
    Term(MLKG.cue, OWL.DatatypeProperty, "cue", "The words of the sentence that signalled the relation.",
         (), (), OA.SpecificResource, XSD.string),
)


def ontology_graph() -> Graph:
    """The ontology as an rdflib Graph (what ``kg/data/ontology.ttl`` holds)."""
    rdf_graph = Graph()
    for prefix, namespace in PREFIXES.items():
        rdf_graph.bind(prefix, namespace, override=True, replace=True)
    ontology = URIRef(ONTOLOGY_IRI)
    rdf_graph.add((ontology, RDF.type, OWL.Ontology))
    rdf_graph.add((ontology, DCTERMS.title, Literal("kg: ML models, datasets and methods from paper abstracts")))
    rdf_graph.add((ontology, RDFS.comment, Literal(
        "Entities and relations that kg extracts from ML paper abstracts, each relation kept with "
        "the sentences that state it (Web Annotation) and its provenance (PROV).")))
    rdf_graph.add((ontology, VOID.vocabulary, ontology))
    for term in TERMS:
        rdf_graph.add((term.iri, RDF.type, term.kind))
        if term.kind == OWL.SymmetricProperty:
            rdf_graph.add((term.iri, RDF.type, OWL.ObjectProperty))
        rdf_graph.add((term.iri, RDFS.isDefinedBy, ontology))
        rdf_graph.add((term.iri, RDFS.label, Literal(term.label, lang="en")))
        rdf_graph.add((term.iri, RDFS.comment, Literal(term.comment, lang="en")))
        parent_property = RDFS.subClassOf if term.kind == OWL.Class else RDFS.subPropertyOf
        for parent in term.parents:
            rdf_graph.add((term.iri, parent_property, parent))
        for related in term.see_also:
            rdf_graph.add((term.iri, RDFS.seeAlso, related))
        if term.domain is not None:
            rdf_graph.add((term.iri, RDFS.domain, term.domain))
        if term.range is not None:
            rdf_graph.add((term.iri, RDFS.range, term.range))
    return rdf_graph

