"""The ontology: closed vocabulary, agreement with kg/data/ontology.ttl and types.py, alignments."""
from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, OWL, PROV, RDF, RDFS, SDO, SH

from kg.ontology import ENTITY_CLASSES, FABIO, IT6, MLKG, MLS, OA, RELATION_PROPERTIES, TERMS, ontology_graph
from kg.rdf import EDGE_PROPERTIES, data_path, shapes_graph, write_ontology
from kg.types import ENTITY_TYPES, RELATION_TYPES, SIGNATURES, SYMMETRIC_RELATIONS


@pytest.mark.parametrize(("namespace", "term"), [
    (MLKG, "trainedon"), (MLKG, "Person"), (MLS, "Modell"), (IT6, "MLModel"), (FABIO, "Paper"), (OA, "Selector"),
])
def test_ontology_unknown_term_fails(namespace, term):
    with pytest.raises(AttributeError):
        getattr(namespace, term)


def test_ontology_known_terms_resolve():
    assert MLKG.trainedOn == URIRef("https://w3id.org/mlkg/ontology#trainedOn")
    assert IT6.MachineLearningModel == URIRef("http://data.europa.eu/it6/MachineLearningModel")
    assert MLS.Model == URIRef("http://www.w3.org/ns/mls#Model")
    assert FABIO.ResearchPaper == URIRef("http://purl.org/spar/fabio/ResearchPaper")
    assert OA.TextQuoteSelector == URIRef("http://www.w3.org/ns/oa#TextQuoteSelector")


def test_ontology_file_agrees_with_code(tmp_path):
    assert isomorphic(Graph().parse(data_path("ontology.ttl"), format="turtle"), ontology_graph())
    written = tmp_path / "ontology.ttl"
    write_ontology(written)
    assert written.read_bytes() == data_path("ontology.ttl").read_bytes()


def test_ontology_declares_every_mlkg_term():
    declared = {t.iri for t in TERMS}
    names = [name for name in MLKG.__annotations__ if not name.startswith("_")]
    assert {MLKG[name] for name in names} == declared


def test_ontology_covers_types_and_relations():
    assert set(ENTITY_CLASSES) == set(ENTITY_TYPES)
    assert set(RELATION_PROPERTIES) == set(RELATION_TYPES)
    assert set(RELATION_PROPERTIES.values()) < set(EDGE_PROPERTIES.values())


@pytest.mark.parametrize(("term", "parent"), [
    (MLKG.Model, IT6.MachineLearningModel), (MLKG.Model, MLS.Model), (MLKG.Dataset, DCAT.Dataset),
    (MLKG.Dataset, MLS.Dataset), (MLKG.Paper, FABIO.ResearchPaper), (MLKG.Paper, SDO.ScholarlyArticle),
    (MLKG.Method, MLS.Algorithm), (MLKG.Task, MLS.Task), (MLKG.Metric, MLS.EvaluationMeasure),
    (MLKG.Assertion, RDF.Statement), (MLKG.Assertion, PROV.Entity),
])
def test_ontology_class_alignments(term, parent):
    assert (term, RDFS.subClassOf, parent) in ontology_graph()


@pytest.mark.parametrize(("term", "parent"), [
    (MLKG.trainedOn, IT6.trainedOn), (MLKG.basedOn, PROV.wasDerivedFrom), (MLKG.basedOn, SDO.isBasedOn),
    (MLKG.introducedIn, MLKG.mentionedIn),
])
def test_ontology_property_alignments(term, parent):
    assert (term, RDFS.subPropertyOf, parent) in ontology_graph()


def test_ontology_symmetric_properties_follow_types():
    declared = set(ontology_graph().subjects(RDF.type, OWL.SymmetricProperty))
    assert declared == {RELATION_PROPERTIES[r] for r in SYMMETRIC_RELATIONS} == {MLKG.comparedWith}


def test_ontology_every_term_has_label_and_comment():
    rdf_graph = ontology_graph()
    for term in TERMS:
        assert rdf_graph.value(term.iri, RDFS.label) is not None, term.iri
        assert rdf_graph.value(term.iri, RDFS.comment) is not None, term.iri


def test_ontology_shapes_cover_every_relation_signature():
    shapes = shapes_graph()
    targets = set(shapes.objects(None, SH.targetSubjectsOf))
    assert {RELATION_PROPERTIES[r] for r in SIGNATURES} <= targets
