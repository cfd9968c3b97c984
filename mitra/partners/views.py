from django.http import HttpResponse


def partner_list(request):
    return HttpResponse("partners")
