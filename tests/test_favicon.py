"""The icon browsers ask for after every page is a file, served before the session and database."""


def test_favicon_is_served_as_a_file_without_touching_the_database(client):
    # No database fixture: any query (session, user) would fail this test.
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert "sessionid" not in response.cookies
