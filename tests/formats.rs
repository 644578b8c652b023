//! Each format of the bundled sample project into the one model: the same API, read five ways.

mod common;

use mcpoverflow::spec::model::{
    ApiModel, BodyKind, GraphqlRoot, HttpMethod, OAuthFlowKind, Operation, ParamLocation,
    ParamStyle, SecurityScheme, SpecFormat, schema_ref,
};
use mcpoverflow::spec::{LoadOptions, load_bytes};
use serde_json::json;

fn load(name: &str) -> ApiModel {
    let path = common::sample(name);
    let bytes = std::fs::read(&path).unwrap();
    load_bytes(name, &bytes, Some(&path), &LoadOptions::default()).unwrap()
}

fn op<'a>(model: &'a ApiModel, id: &str) -> &'a Operation {
    model
        .operations
        .iter()
        .find(|op| op.operation_id.as_deref() == Some(id))
        .unwrap_or_else(|| panic!("no operation {id}"))
}

const SAMPLE_IDS: [&str; 9] = [
    "listPets",
    "createPet",
    "getPet",
    "uploadPetPhoto",
    "getOwner",
    "listOwnerPets",
    "listAvailableSlots",
    "bookAppointment",
    "cancelAppointment",
];

#[test]
fn openapi_30_reads_the_whole_model() {
    let model = load("petstore-3.0.yaml");
    assert_eq!(
        (model.format, model.version.as_str()),
        (SpecFormat::Openapi, "3.0.3")
    );
    assert_eq!(model.operations.len(), 10);
    for id in SAMPLE_IDS {
        op(&model, id);
    }
    let tags: Vec<&str> = model.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tags, ["pets", "owners", "appointments"]);

    // Parameters: style and explode, every location.
    let list = op(&model, "listPets");
    let species = list
        .parameters
        .iter()
        .find(|p| p.name == "species")
        .unwrap();
    assert_eq!((species.style, species.explode), (ParamStyle::Form, false));
    let filter = list.parameters.iter().find(|p| p.name == "filter").unwrap();
    assert_eq!(
        (filter.style, filter.explode),
        (ParamStyle::DeepObject, true)
    );
    let get = op(&model, "getPet");
    let locations: Vec<ParamLocation> = get.parameters.iter().map(|p| p.location).collect();
    assert!(locations.contains(&ParamLocation::Cookie) && locations.contains(&ParamLocation::Path));
    assert!(
        get.parameters
            .iter()
            .filter(|p| p.location == ParamLocation::Path)
            .all(|p| p.required)
    );

    // Bodies of each kind.
    let kinds = |id: &str| -> Vec<BodyKind> {
        op(&model, id)
            .request_body
            .as_ref()
            .unwrap()
            .content
            .keys()
            .map(|m| BodyKind::of(m))
            .collect()
    };
    assert_eq!(kinds("createPet"), [BodyKind::Json]);
    assert_eq!(kinds("uploadPetPhoto"), [BodyKind::Multipart]);
    assert_eq!(kinds("cancelAppointment"), [BodyKind::FormUrlencoded]);

    // 3.0 schema idioms become 2020-12.
    let pet_base = &model.schemas["PetBase"]["properties"];
    assert_eq!(pet_base["weightKg"]["exclusiveMinimum"], json!(0));
    assert!(pet_base["weightKg"].get("minimum").is_none());
    assert_eq!(pet_base["microchipId"]["type"], json!(["string", "null"]));
    let category = &model.schemas["Category"];
    assert_eq!(
        category["properties"]["subcategories"]["items"],
        schema_ref("Category")
    );

    // Security: schemes, the global default, an operation that opts out.
    assert_eq!(model.security_schemes.len(), 4);
    match &model.security_schemes["clinicOAuth"] {
        SecurityScheme::OAuth2 { flows, .. } => {
            let kinds: Vec<OAuthFlowKind> = flows.iter().map(|f| f.kind).collect();
            assert_eq!(
                kinds,
                [
                    OAuthFlowKind::ClientCredentials,
                    OAuthFlowKind::AuthorizationCode
                ]
            );
            assert!(
                flows[0]
                    .token_url
                    .as_deref()
                    .unwrap()
                    .starts_with("https://")
            );
            assert!(!flows[0].scopes.is_empty());
        }
        other => panic!("clinicOAuth is {other:?}"),
    }
    assert!(!model.security.is_empty());
    assert_eq!(op(&model, "listAvailableSlots").security, Some(vec![]));
    assert!(model.security_for(op(&model, "getPet")) == model.security.as_slice());

    // Servers with variables.
    let server = &model.servers[0];
    assert_eq!(server.url, "https://{region}.petclinic.example/v1");
    assert!(!server.variables["region"].enum_values.is_empty());
    assert!(!server.default_url().contains('{'));

    // The one operation without an operationId is a warning with its pointer.
    assert_eq!(model.warnings.len(), 1);
    assert_eq!(model.warnings[0].pointer, "/paths/~1pets~1{petId}/delete");
}

#[test]
fn openapi_31_reads_its_own_syntax() {
    let model = load("petstore-3.1.yaml");
    assert_eq!(
        (model.format, model.version.as_str()),
        (SpecFormat::Openapi, "3.1.0")
    );
    assert_eq!(
        model.operations.len(),
        10,
        "the path item behind components.pathItems is followed"
    );
    assert_eq!(model.webhooks.len(), 1);
    assert_eq!(op(&model, "listAvailableSlots").security, Some(vec![]));
    assert_eq!(
        model.schemas["PetBase"]["properties"]["weightKg"]["exclusiveMinimum"],
        json!(0)
    );
    // `$defs` inside a named schema resolve where they are used.
    let phone = &model.schemas["Owner"]["properties"]["phone"];
    assert!(phone.to_string().contains("pattern"), "{phone}");
    // The 3.0 and 3.1 files describe the same operations.
    let three_oh = load("petstore-3.0.yaml");
    let labels = |m: &ApiModel| {
        m.operations
            .iter()
            .map(Operation::label)
            .collect::<Vec<_>>()
    };
    assert_eq!(labels(&model), labels(&three_oh));
}

#[test]
fn swagger_20_maps_into_the_same_model() {
    let model = load("petstore-swagger-2.0.json");
    assert_eq!(
        (model.format, model.version.as_str()),
        (SpecFormat::Swagger, "2.0")
    );
    assert_eq!(model.operations.len(), 10);
    let servers: Vec<&str> = model.servers.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(
        servers,
        [
            "https://eu.petclinic.example/v1",
            "http://eu.petclinic.example/v1"
        ]
    );
    // `body` parameters are request bodies; `formData` with a file is multipart with a binary field.
    let create = op(&model, "createPet");
    assert!(create.parameters.iter().all(|p| p.name != "body"));
    let body = create.request_body.as_ref().unwrap();
    assert_eq!(
        BodyKind::of(body.content.keys().next().unwrap()),
        BodyKind::Json
    );
    let upload = op(&model, "uploadPetPhoto").request_body.as_ref().unwrap();
    let (media, content) = upload.content.first().unwrap();
    assert_eq!(media, "multipart/form-data");
    let schema = content.schema.as_ref().unwrap();
    let binary = schema["properties"]
        .as_object()
        .unwrap()
        .values()
        .any(|p| p["format"] == "binary");
    assert!(binary, "{schema}");
    assert_eq!(
        BodyKind::of(
            op(&model, "cancelAppointment")
                .request_body
                .as_ref()
                .unwrap()
                .content
                .keys()
                .next()
                .unwrap()
        ),
        BodyKind::FormUrlencoded
    );
    // `collectionFormat: csv` is form without explode.
    let species = op(&model, "listPets")
        .parameters
        .iter()
        .find(|p| p.name == "species")
        .unwrap();
    assert_eq!((species.style, species.explode), (ParamStyle::Form, false));
    // securityDefinitions, `application` flow as client credentials.
    match &model.security_schemes["clinicOAuthApp"] {
        SecurityScheme::OAuth2 { flows, .. } => {
            assert_eq!(flows[0].kind, OAuthFlowKind::ClientCredentials)
        }
        other => panic!("{other:?}"),
    }
    // Response examples keyed by media type land on that media type.
    let get = op(&model, "getPet");
    let ok = get.responses.iter().find(|r| r.status == "200").unwrap();
    assert!(ok.content["application/json"].example.is_some());
    assert!(
        model.schemas["Pet"].to_string().contains("\"null\""),
        "x-nullable becomes a null type"
    );
}

#[test]
fn postman_collection_maps_folders_variables_and_auth() {
    let model = load("petstore.postman_collection.json");
    assert_eq!(model.format, SpecFormat::Postman);
    assert_eq!(model.operations.len(), 10);
    let tags: Vec<&str> = model.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tags, ["pets", "owners", "appointments"]);
    assert!(
        model
            .operations
            .iter()
            .any(|op| op.path.contains("{petId}"))
    );
    assert!(matches!(
        model.security_schemes.values().next(),
        Some(SecurityScheme::ApiKey { .. })
    ));
    assert!(
        model
            .operations
            .iter()
            .any(|op| op.security == Some(vec![])),
        "noauth request"
    );
    // No secret value is carried into the model.
    let text = serde_json::to_string(&model).unwrap();
    assert!(!text.contains("{{apiKey}}") && !text.contains("{{accessToken}}"));
}

#[test]
fn graphql_sdl_maps_root_fields_to_operations() {
    let model = load("petstore.graphql");
    assert_eq!(model.format, SpecFormat::Graphql);
    assert_eq!(model.operations.len(), 14);
    let subscriptions: Vec<&Operation> = model
        .operations
        .iter()
        .filter(|op| op.graphql.as_ref().unwrap().root == GraphqlRoot::Subscription)
        .collect();
    assert_eq!(subscriptions.len(), 2);
    assert!(subscriptions.iter().all(|op| op.unsupported.is_some()));
    for op in &model.operations {
        assert_eq!(op.method, HttpMethod::Post);
        assert!(
            op.graphql
                .as_ref()
                .unwrap()
                .document
                .contains(&op.graphql.as_ref().unwrap().field)
        );
    }
    // Recursive input types are named schemas that refer to themselves.
    assert!(
        model.schemas["PetFilter"]
            .to_string()
            .contains("#/components/schemas/PetFilter")
    );
}
