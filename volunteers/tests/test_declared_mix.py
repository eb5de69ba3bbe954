"""Gender and disability or access needs: optional, with "prefer not to say", and why we ask."""

from django.urls import reverse

from volunteers.models import Disability, Gender, Volunteer


def test_a_volunteer_may_declare_gender_and_disability_or_leave_them(client_for, volunteer):
    client = client_for(volunteer)
    page = client.get(reverse("volunteers:profile")).content.decode()
    assert "Prefer not to say" in page and "so that the people who visit" in page
    record = Volunteer.objects.get(user=volunteer)
    data = {
        "first_name": record.first_name, "last_name": record.last_name, "phone": "07911 123456",
        "postcode": "ST16 2DQ", "needs": "", "usual_times": "",
    }  # fmt: skip
    assert client.post(reverse("volunteers:profile"), data).status_code == 302, "both questions are optional"
    record.refresh_from_db()
    assert (record.gender, record.disability) == ("", "")
    client.post(reverse("volunteers:profile"), {**data, "gender": "prefer_not", "disability": "yes"})
    record.refresh_from_db()
    assert (record.gender, record.disability) == (Gender.PREFER_NOT, Disability.YES)


def test_a_made_up_answer_is_refused_with_a_message(client_for, volunteer):
    record = Volunteer.objects.get(user=volunteer)
    data = {
        "first_name": record.first_name, "last_name": record.last_name, "phone": "07911 123456",
        "postcode": "ST16 2DQ", "gender": "wizard",
    }  # fmt: skip
    response = client_for(volunteer).post(reverse("volunteers:profile"), data)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
