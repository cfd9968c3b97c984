from django.http import HttpResponse


def agreement_list(request):
    return HttpResponse("agreements")
