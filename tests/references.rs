//! `$ref`s: local pointers with escapes, files beside the document, cycles, and references that do not resolve.

mod common;

use std::path::Path;

use mcpoverflow::spec::model::{ApiModel, schema_ref};
use mcpoverflow::spec::{LoadOptions, load_bytes};
use serde_json::json;

fn load_file(path: &Path) -> ApiModel {
    let bytes = std::fs::read(path).unwrap();
    load_bytes(
        &path.display().to_string(),
        &bytes,
        Some(path),
        &LoadOptions::default(),
    )
    .unwrap()
}

fn load_text(text: &str) -> ApiModel {
    load_bytes("test.yaml", text.as_bytes(), None, &LoadOptions::default()).unwrap()
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn multi_file_description_resolves_siblings_and_subfolders() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "api/root.yaml",
        r##"
openapi: 3.0.3
info: {title: multi, version: "1"}
paths:
  /pets:
    $ref: "paths/pets.yaml"
  /pets/{id}:
    $ref: "paths/pets.yaml#/item"
components:
  schemas:
    Pet:
      $ref: "../models/pet.yaml"
"##,
    );
    write(
        dir.path(),
        "api/paths/pets.yaml",
        r##"
get:
  operationId: listPets
  parameters:
    - $ref: "../params.yaml#/limit"
  responses:
    "200":
      description: ok
      content:
        application/json:
          schema: {type: array, items: {$ref: "../root.yaml#/components/schemas/Pet"}}
item:
  get:
    operationId: getPet
    parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
    responses:
      "200":
        description: ok
        content:
          application/json:
            schema: {$ref: "../../models/pet.yaml"}
"##,
    );
    write(
        dir.path(),
        "api/params.yaml",
        "limit: {name: limit, in: query, schema: {type: integer, maximum: 50}}\n",
    );
    write(
        dir.path(),
        "models/pet.yaml",
        r##"
type: object
properties:
  name: {type: string}
  owner: {$ref: "owner.yaml#/components/schemas/Owner"}
"##,
    );
    write(
        dir.path(),
        "models/owner.yaml",
        "components:\n  schemas:\n    Owner: {type: object, properties: {email: {type: string, format: email}}}\n",
    );

    let model = load_file(&dir.path().join("api/root.yaml"));
    assert_eq!(model.warnings, vec![], "no warnings expected");
    assert_eq!(model.operations.len(), 2);
    let list = &model.operations[0];
    assert_eq!(list.parameters[0].name, "limit");
    assert_eq!(
        list.parameters[0].schema,
        json!({"type": "integer", "maximum": 50})
    );
    let list_schema = list.responses[0].content["application/json"]
        .schema
        .clone()
        .unwrap();
    assert_eq!(
        list_schema,
        json!({"type": "array", "items": schema_ref("Pet")})
    );
    // The external Owner is kept once under its own name; Pet's body is the file's content.
    assert_eq!(
        model.schemas["Pet"]["properties"]["owner"],
        schema_ref("Owner")
    );
    assert_eq!(
        model.schemas["Owner"]["properties"]["email"]["format"],
        "email"
    );
    // The same file reached by a different relative path is the same document: Pet is inlined, Owner named.
    let get_schema = model.operations[1].responses[0].content["application/json"]
        .schema
        .clone()
        .unwrap();
    assert_eq!(get_schema["properties"]["owner"], schema_ref("Owner"));
}

#[test]
fn digitalocean_multi_file_spec_loads_without_unresolved_refs() {
    let Some(path) =
        common::corpus("openapi/digitalocean/specification/DigitalOcean-public.v2.yaml")
    else {
        return;
    };
    let model = load_file(&path);
    assert!(model.operations.len() > 250, "{}", model.operations.len());
    let unresolved: Vec<_> = model
        .warnings
        .iter()
        .filter(|w| w.message.contains("does not resolve"))
        .collect();
    assert!(unresolved.is_empty(), "{unresolved:?}");
}

#[test]
fn pointers_with_escapes_and_percent_encoding_resolve() {
    let model = load_text(
        r##"
openapi: 3.0.3
info: {title: escapes, version: "1"}
paths:
  /a/{id}:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {n: {type: integer}}}
  /b:
    get:
      responses:
        "200":
          description: same body as /a/{id}
          content:
            application/json:
              schema:
                $ref: "#/paths/~1a~1%7Bid%7D/get/responses/200/content/application~1json/schema"
components:
  schemas:
    "weird/name~x": {type: string}
    User:
      type: object
      properties:
        tag: {$ref: "#/components/schemas/weird~1name~0x"}
"##,
    );
    let b = &model.operations[1].responses[0].content["application/json"];
    assert_eq!(
        b.schema,
        Some(json!({"type": "object", "properties": {"n": {"type": "integer"}}}))
    );
    assert_eq!(
        model.schemas["User"]["properties"]["tag"],
        schema_ref("weird/name~x")
    );
    assert_eq!(
        schema_ref("weird/name~x")["$ref"],
        "#/components/schemas/weird~1name~0x"
    );
}

#[test]
fn circular_schemas_stay_references() {
    let model = load_text(
        r##"
openapi: 3.0.3
info: {title: cycles, version: "1"}
paths: {}
components:
  schemas:
    Node:
      type: object
      properties:
        children: {type: array, items: {$ref: "#/components/schemas/Node"}}
        other: {$ref: "#/components/schemas/Other"}
    Other:
      type: object
      properties:
        back: {$ref: "#/components/schemas/Node"}
        inner:
          type: object
          properties:
            loop: {$ref: "#/components/schemas/Other/properties/inner"}
"##,
    );
    assert_eq!(
        model.schemas["Node"]["properties"]["children"]["items"],
        schema_ref("Node")
    );
    assert_eq!(
        model.schemas["Other"]["properties"]["back"],
        schema_ref("Node")
    );
    // A cycle through a location that is not a named schema makes that location a named schema.
    let inner = json!({"type": "object", "properties": {"loop": schema_ref("inner")}});
    assert_eq!(model.schemas["Other"]["properties"]["inner"], inner);
    assert_eq!(model.schemas["inner"], inner);
    assert!(model.warnings.is_empty(), "{:?}", model.warnings);
}

#[test]
fn path_item_reference_cycle_is_a_warning() {
    let model = load_text(
        r##"
openapi: 3.1.0
info: {title: loop, version: "1"}
paths:
  /a: {$ref: "#/paths/~1b"}
  /b: {$ref: "#/paths/~1a"}
  /ok:
    get: {operationId: ok, responses: {"200": {description: ok}}}
"##,
    );
    assert_eq!(model.operations.len(), 1);
    let cycles: Vec<_> = model
        .warnings
        .iter()
        .filter(|w| w.message.contains("reference cycle"))
        .collect();
    assert_eq!(cycles.len(), 2, "{:?}", model.warnings);
    assert_eq!(cycles[0].pointer, "/paths/~1a");
}

#[test]
fn unresolved_reference_names_pointer_and_the_rest_loads() {
    let model = load_text(
        r##"
openapi: 3.0.3
info: {title: broken, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - $ref: "#/components/parameters/Missing"
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Nope"}
    post:
      operationId: addPet
      responses: {"201": {description: created}}
"##,
    );
    assert_eq!(model.operations.len(), 2);
    let messages: Vec<String> = model
        .warnings
        .iter()
        .map(|w| format!("{}: {}", w.pointer, w.message))
        .collect();
    assert!(messages.contains(&"/paths/~1pets/get/parameters/0: reference `#/components/parameters/Missing` does not resolve".to_string()), "{messages:?}");
    assert!(messages.contains(&"/paths/~1pets/get/responses/200/content/application~1json/schema: reference `#/components/schemas/Nope` does not resolve".to_string()), "{messages:?}");
}

#[test]
fn missing_referenced_file_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "root.yaml",
        r##"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /x:
    get:
      responses:
        "200": {$ref: "responses.yaml#/Ok"}
"##,
    );
    let model = load_file(&dir.path().join("root.yaml"));
    assert_eq!(model.operations.len(), 1);
    let warning = &model
        .warnings
        .iter()
        .find(|w| w.message.contains("responses.yaml"))
        .unwrap();
    assert_eq!(warning.pointer, "/paths/~1x/get/responses/200");
    assert!(
        warning.message.contains("No such file"),
        "{}",
        warning.message
    );
}
