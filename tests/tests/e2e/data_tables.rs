//! Data tables: tables, columns, and rows in every answer mode (insert count/id/all; update,
//! upsert and delete plain, with returnData, as dry runs), search, sort, filter and pages.

use n8n_api::prelude::*;
use n8n_api::types;
use n8n_api_tests::unique;
use serde_json::{Value, json};

use crate::support::*;

type Kind = types::CreateDataTableRequestColumnsItemType;

fn column(name: &str, kind: Kind) -> types::CreateDataTableRequestColumnsItem {
    types::CreateDataTableRequestColumnsItem {
        name: name.into(),
        type_: kind,
    }
}

async fn create_table(client: &Client, name: &str) -> types::DataTable {
    client
        .create_data_table()
        .body(
            types::CreateDataTableRequest::builder()
                .name(name)
                .columns(vec![column("city", Kind::String), column("people", Kind::Number)]),
        )
        .send()
        .await
        .unwrap()
}

/// The row filter `city = <city>`: one type for the bodies and the queries that filter rows.
fn city_is(city: &str) -> types::DataTableRowFilter {
    types::DataTableRowFilter::all([types::DataTableRowCondition::eq("city", city)])
}

async fn rows(client: &Client, table: &str) -> Vec<types::DataTableRow> {
    client
        .get_data_table_rows()
        .data_table_id(table)
        .limit(250)
        .collect_all()
        .await
        .unwrap()
}

fn people(row: &types::DataTableRow) -> Option<f64> {
    row.extra.get("people").and_then(Value::as_f64)
}

#[tokio::test]
async fn tables_and_columns() {
    let client = client();
    let name = unique("table");
    let table = create_table(&client, &name).await;
    let got = client.get_data_table().data_table_id(&table.id).send().await.unwrap();
    assert_eq!(got.name, name);
    assert_eq!(
        got.columns.iter().map(|c| c.name.as_deref()).collect::<Vec<_>>(),
        [Some("city"), Some("people")]
    );
    proved("create-data-table", "the table reads back with its two columns");
    proved("get-data-table", "returns the table just created");

    let listed = client
        .list_data_tables()
        .filter(json!({ "name": name }).to_string())
        .sort_by("name:asc")
        .limit(1)
        .send()
        .await
        .unwrap();
    assert_eq!(
        listed.data.iter().map(|t| t.id.clone()).collect::<Vec<_>>(),
        std::slice::from_ref(&table.id)
    );
    proved(
        "list-data-tables",
        "filtered by name, sorted, one a page: exactly the table",
    );

    let renamed = client
        .update_data_table()
        .data_table_id(&table.id)
        .body(types::UpdateDataTableRequest::builder().name(format!("{name}-2")))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.name, format!("{name}-2"));
    assert_eq!(
        client
            .get_data_table()
            .data_table_id(&table.id)
            .send()
            .await
            .unwrap()
            .name,
        format!("{name}-2")
    );
    proved("update-data-table", "the new name reads back");

    let extra = client
        .create_data_table_column()
        .data_table_id(&table.id)
        .body(
            types::CreateColumnRequest::builder()
                .name("extra".to_string())
                .type_(types::CreateColumnRequestType::Boolean),
        )
        .send()
        .await
        .unwrap();
    let names = |cols: Vec<types::DataTableColumn>| cols.into_iter().map(|c| c.name).collect::<Vec<_>>();
    let columns = client
        .list_data_table_columns()
        .data_table_id(&table.id)
        .send()
        .await
        .unwrap();
    assert_eq!(names(columns), ["city", "people", "extra"]);
    proved("create-data-table-column", "the new column is listed last");
    proved("list-data-table-columns", "lists the columns in order");

    client
        .update_data_table_column()
        .data_table_id(&table.id)
        .column_id(&extra.id)
        .body(types::UpdateColumnRequest::Variant0 {
            name: "flag".to_string().into(),
        })
        .send()
        .await
        .unwrap();
    let moved = client
        .update_data_table_column()
        .data_table_id(&table.id)
        .column_id(&extra.id)
        .body(types::UpdateColumnRequest::Variant1 { index: 0 })
        .send()
        .await
        .unwrap();
    assert_eq!((moved.name.as_str(), moved.index), ("flag", 0));
    let columns = client
        .list_data_table_columns()
        .data_table_id(&table.id)
        .send()
        .await
        .unwrap();
    assert_eq!(names(columns), ["flag", "city", "people"]);
    proved("update-data-table-column", "renamed, then moved first: listed so");

    client
        .delete_data_table_column()
        .data_table_id(&table.id)
        .column_id(&extra.id)
        .send()
        .await
        .unwrap();
    let columns = client
        .list_data_table_columns()
        .data_table_id(&table.id)
        .send()
        .await
        .unwrap();
    assert_eq!(names(columns), ["city", "people"]);
    proved("delete-data-table-column", "the column is no longer listed");

    client
        .delete_data_table()
        .data_table_id(&table.id)
        .send()
        .await
        .unwrap();
    let gone = client
        .get_data_table()
        .data_table_id(&table.id)
        .send()
        .await
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone}");
    proved("delete-data-table", "the table is gone (404 afterwards)");
}

#[tokio::test]
async fn insert_modes_and_reads() {
    let client = client();
    let table = create_table(&client, &unique("rows-insert")).await;
    let insert = |data: Vec<Value>, mode: types::InsertRowsRequestReturnType| {
        client
            .insert_data_table_rows()
            .data_table_id(&table.id)
            .body(types::InsertRowsRequest::builder().data(data).return_type(mode))
            .send()
    };
    let counted = insert(
        vec![
            json!({ "city": "Berlin", "people": 3 }),
            json!({ "city": "Paris", "people": 2 }),
        ],
        types::InsertRowsRequestReturnType::Count,
    )
    .await
    .unwrap();
    assert!(
        matches!(
            counted,
            types::InsertDataTableRowsResponse::Count {
                inserted_rows: 2,
                success: true
            }
        ),
        "{counted:?}"
    );
    let ids = insert(
        vec![json!({ "city": "Rome", "people": 5 })],
        types::InsertRowsRequestReturnType::Id,
    )
    .await
    .unwrap();
    let types::InsertDataTableRowsResponse::Ids(ids) = ids else {
        panic!("ids expected")
    };
    assert_eq!(ids.len(), 1);
    let all = insert(
        vec![json!({ "city": "Oslo", "people": 1 })],
        types::InsertRowsRequestReturnType::All,
    )
    .await
    .unwrap();
    let types::InsertDataTableRowsResponse::Rows(inserted) = all else {
        panic!("rows expected")
    };
    assert_eq!(inserted[0].extra.get("city"), Some(&json!("Oslo")));

    let stored = rows(&client, &table.id).await;
    assert_eq!(stored.len(), 4);
    assert!(
        stored
            .iter()
            .any(|r| r.id == ids[0].id && r.extra.get("city") == Some(&json!("Rome")))
    );
    assert!(stored.iter().any(|r| r.id == inserted[0].id));
    proved(
        "insert-data-table-rows",
        "count 2, the id of Rome and the full Oslo row, all four stored",
    );

    let page = client
        .get_data_table_rows()
        .data_table_id(&table.id)
        .limit(1)
        .send()
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1);
    assert!(page.next_cursor.is_some());
    let found = client
        .get_data_table_rows()
        .data_table_id(&table.id)
        .search("Pari")
        .send()
        .await
        .unwrap();
    assert_eq!(
        found.data.iter().map(|r| r.extra["city"].clone()).collect::<Vec<_>>(),
        [json!("Paris")]
    );
    let sorted = client
        .get_data_table_rows()
        .data_table_id(&table.id)
        .sort_by("people:desc")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sorted.data.iter().filter_map(people).collect::<Vec<_>>(),
        [5.0, 3.0, 2.0, 1.0]
    );
    let filtered = client
        .get_data_table_rows()
        .data_table_id(&table.id)
        .filter(&city_is("Berlin"))
        .send()
        .await
        .unwrap();
    assert_eq!(filtered.data.len(), 1);
    proved(
        "get-data-table-rows",
        "pages of one, search, sort by people desc and a filter each give the expected rows",
    );

    let cleared = client
        .clear_data_table_rows()
        .data_table_id(&table.id)
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.deleted_count, Some(4));
    assert!(rows(&client, &table.id).await.is_empty());
    proved("clear-data-table-rows", "4 deleted, no row left");
    client
        .delete_data_table()
        .data_table_id(&table.id)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn update_upsert_and_delete_modes() {
    let client = client();
    let table = create_table(&client, &unique("rows-modes")).await;
    client
        .insert_data_table_rows()
        .data_table_id(&table.id)
        .body(types::InsertRowsRequest::builder().data(vec![
            json!({ "city": "Berlin", "people": 3 }),
            json!({ "city": "Paris", "people": 2 }),
        ]))
        .send()
        .await
        .unwrap();
    check_update(&client, &table.id).await;
    check_upsert(&client, &table.id).await;
    check_delete(&client, &table.id).await;
    client
        .delete_data_table()
        .data_table_id(&table.id)
        .send()
        .await
        .unwrap();
}

fn update_body(city: &str, data: Value) -> types::builder::UpdateRowsRequestBuilder {
    types::UpdateRowsRequest::builder().filter(city_is(city)).data(data)
}

async fn check_update(client: &Client, table: &str) {
    let send = |body: types::builder::UpdateRowsRequestBuilder| {
        client.update_data_table_rows().data_table_id(table).body(body).send()
    };
    let dry = send(update_body("Paris", json!({ "people": 12 })).dry_run(true))
        .await
        .unwrap();
    let types::DataTableResponse::DryRun(pairs) = dry else {
        panic!("a dry run answers before/after rows: {dry:?}")
    };
    assert_eq!(pairs.len(), 2);
    assert_eq!(pairs[0].dry_run_state, types::DataTableRowDryRunDryRunState::Before);
    assert_eq!(pairs[1].extra.get("people").and_then(Value::as_f64), Some(12.0));
    let paris = |rows: &[types::DataTableRow]| rows.iter().find(|r| r.extra["city"] == "Paris").and_then(people);
    assert_eq!(paris(&rows(client, table).await), Some(2.0), "a dry run writes nothing");

    let plain = send(update_body("Paris", json!({ "people": 5 }))).await.unwrap();
    assert!(matches!(plain, types::DataTableResponse::Boolean(true)), "{plain:?}");
    let returned = send(update_body("Paris", json!({ "people": 6 })).return_data(true))
        .await
        .unwrap();
    let types::DataTableResponse::Rows(updated) = returned else {
        panic!("rows expected")
    };
    assert_eq!(updated.iter().filter_map(people).collect::<Vec<_>>(), [6.0]);
    assert_eq!(paris(&rows(client, table).await), Some(6.0));
    proved(
        "update-data-table-rows",
        "dry run (before/after, nothing written), plain (true) and returnData (the row) all as stored",
    );
}

fn upsert_body(city: &str, data: Value) -> types::builder::UpsertRowRequestBuilder {
    types::UpsertRowRequest::builder().filter(city_is(city)).data(data)
}

async fn check_upsert(client: &Client, table: &str) {
    let send = |body: types::builder::UpsertRowRequestBuilder| {
        client.upsert_data_table_row().data_table_id(table).body(body).send()
    };
    let would_insert = send(upsert_body("Lima", json!({ "city": "Lima", "people": 7 })).dry_run(true))
        .await
        .unwrap();
    let types::DataTableResponse::DryRun(pairs) = would_insert else {
        panic!("dry run expected")
    };
    assert_eq!(pairs[0].id, None, "the row does not exist yet: null columns");
    assert_eq!(rows(client, table).await.len(), 2, "a dry run writes nothing");

    let inserted = send(upsert_body("Lima", json!({ "city": "Lima", "people": 7 })).return_data(true))
        .await
        .unwrap();
    let types::DataTableResponse::Rows(inserted) = inserted else {
        panic!("rows expected")
    };
    assert_eq!(inserted.len(), 1);
    let updated = send(upsert_body("Lima", json!({ "people": 8 }))).await.unwrap();
    assert!(matches!(updated, types::DataTableResponse::Boolean(true)));
    let stored = rows(client, table).await;
    let lima: Vec<_> = stored.iter().filter(|r| r.extra["city"] == "Lima").collect();
    assert_eq!(
        (lima.len(), lima[0].id.as_str(), people(lima[0])),
        (1, inserted[0].id.as_str(), Some(8.0))
    );
    proved(
        "upsert-data-table-row",
        "dry run (null before, nothing written), insert with returnData (the row), then update (true): one Lima row with 8",
    );
}

async fn check_delete(client: &Client, table: &str) {
    let send = |city: &str, return_data: bool, dry_run: bool| {
        client
            .delete_data_table_rows()
            .data_table_id(table)
            .filter(&city_is(city))
            .return_data(return_data)
            .dry_run(dry_run)
            .send()
    };
    let dry = send("Berlin", false, true).await.unwrap();
    let types::DataTableResponse::DryRun(pairs) = dry else {
        panic!("dry run expected")
    };
    assert_eq!(pairs[1].id, None, "after deletion the row is all nulls");
    assert_eq!(rows(client, table).await.len(), 3, "a dry run deletes nothing");
    let returned = send("Berlin", true, false).await.unwrap();
    let types::DataTableResponse::Rows(deleted) = returned else {
        panic!("rows expected")
    };
    assert_eq!(
        deleted.iter().map(|r| r.extra["city"].clone()).collect::<Vec<_>>(),
        [json!("Berlin")]
    );
    let plain = send("Lima", false, false).await.unwrap();
    assert!(matches!(plain, types::DataTableResponse::Boolean(true)));
    let left: Vec<Value> = rows(client, table)
        .await
        .iter()
        .map(|r| r.extra["city"].clone())
        .collect();
    assert_eq!(left, [json!("Paris")]);
    proved(
        "delete-data-table-rows",
        "dry run (nothing deleted), returnData (the Berlin row), plain (true): only Paris is left",
    );
}
